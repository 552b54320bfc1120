"""Whole-page cache for anonymous visitors (shop/cache.py) on the real product page."""

import contextlib
import datetime
import re
import time

import pytest
from django.core.cache import cache
from django.template import RequestContext, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from oscar.test.factories import UserFactory

from catalog.models import Certification
from shop.cache import catalogue_cached, catalogue_version, catalogue_version_bump
from shop.partner.models import StockRecord
from tests.factories import CertificationFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    """English pages, the page cache on, and an empty cache for every test."""
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def saffron():
    return ProductFactory(
        title="Safran de Taliouine 1 g",
        stockrecords__price="120.00",
        stockrecords__num_in_stock=20,
    )


@pytest.fixture
def update_stockrecord(django_capture_on_commit_callbacks):
    """Save a product's stock record and run what is deferred to after commit."""

    def update(product, **fields):
        stockrecord = product.stockrecords.get()
        for name, value in fields.items():
            setattr(stockrecord, name, value)
        with django_capture_on_commit_callbacks(execute=True):
            stockrecord.save()

    return update


def add_url(product):
    return reverse("basket:add", kwargs={"pk": product.pk})


def page(client, product):
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_second_anonymous_visitor_gets_the_page_without_any_query(
    saffron, django_assert_num_queries
):
    """Once rendered, the product page is served to the next visitor from the cache."""
    page(Client(), saffron)

    with django_assert_num_queries(0):
        content = page(Client(), saffron)

    assert "Safran de Taliouine 1 g" in content


def test_the_response_says_whether_the_page_cache_answered(saffron):
    """X-Page-Cache tells a miss, a hit, and a page only for its visitor
    (bypass: a shopper's basket page)."""
    first = Client().get(saffron.get_absolute_url())
    second = Client().get(saffron.get_absolute_url())
    buyer = Client()
    buyer.post(add_url(saffron), {"quantity": 1})
    shared = buyer.get(saffron.get_absolute_url())
    personal = buyer.get(reverse("basket:summary"))

    assert [r["X-Page-Cache"] for r in (first, second, shared, personal)] == [
        "miss",
        "hit",
        "hit",
        "bypass",
    ]


def test_a_price_change_shows_on_the_next_request(client, saffron, update_stockrecord):
    """A new price is visible at once, not after the cache expires."""
    assert "120.00" in page(client, saffron)
    update_stockrecord(saffron, price="99.50")

    content = page(Client(), saffron)
    assert "99.50" in content
    assert "120.00" not in content


def test_a_stock_change_shows_on_the_next_request(client, saffron, update_stockrecord):
    """The number of units left follows the stock at once."""
    assert "In stock (20 available)" in page(client, saffron)
    update_stockrecord(saffron, num_in_stock=3)

    content = page(Client(), saffron)
    assert "In stock (3 available)" in content
    assert "20 available" not in content


@pytest.fixture
def render_under_way_elsewhere(monkeypatch):
    """A context manager: inside, every page looks as if another worker were
    rendering it right now."""
    busy = False
    real_add = cache.add

    def add(key, *args, **kwargs):
        if busy and key.endswith(":refreshing"):
            return False
        return real_add(key, *args, **kwargs)

    @contextlib.contextmanager
    def rendering_elsewhere():
        nonlocal busy
        busy = True
        try:
            yield
        finally:
            busy = False

    monkeypatch.setattr(cache, "add", add)
    return rendering_elsewhere


def test_while_one_request_renders_a_changed_page_others_get_the_previous_copy(
    saffron, update_stockrecord, render_under_way_elsewhere, django_assert_num_queries
):
    """No pile-up of renders after a change: concurrent visitors get the old copy
    for the moment the page is being rendered again, then the new one."""
    assert "120.00" in page(Client(), saffron)
    update_stockrecord(saffron, price="99.50")

    with render_under_way_elsewhere(), django_assert_num_queries(0):
        assert "120.00" in page(Client(), saffron)

    assert "99.50" in page(Client(), saffron)


def test_a_change_without_signal_shows_once_the_page_expires(
    saffron, monkeypatch, render_under_way_elsewhere
):
    """A bulk update bypasses invalidation: it shows after PAGE_CACHE_SECONDS."""
    assert "120.00" in page(Client(), saffron)
    StockRecord.objects.filter(product=saffron).update(price="99.50")
    assert "120.00" in page(Client(), saffron)

    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    with render_under_way_elsewhere():
        assert "120.00" in page(Client(), saffron)

    assert "99.50" in page(Client(), saffron)


def test_an_expired_certification_disappears_the_next_day(client, saffron, monkeypatch):
    """A label valid until today is gone from the cached page from local midnight."""
    today = timezone.localdate()
    CertificationFactory(
        cooperative=saffron.cooperative,
        products=[saffron],
        scheme=Certification.Scheme.AOP,
        name="Safran de Taliouine AOP",
        valid_until=today,
    )
    assert "Safran de Taliouine AOP" in page(client, saffron)

    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert "Safran de Taliouine AOP" not in page(Client(), saffron)


def test_a_signed_in_customer_never_gets_the_anonymous_page(saffron):
    """Login state is personal: a customer sees “Log out”, the next visitor does not."""
    page(Client(), saffron)
    customer = Client()
    customer.force_login(UserFactory(email="amina@example.ma"))

    assert "Log out" in page(customer, saffron)
    anonymous = page(Client(), saffron)
    assert "Log in or register" in anonymous
    assert "Log out" not in anonymous


def test_a_basket_is_never_shown_to_another_visitor(saffron):
    """A visitor's basket total stays theirs; the next visitor's basket is empty."""
    page(Client(), saffron)
    buyer = Client()
    response = buyer.post(add_url(saffron), {"quantity": 2})
    assert response.status_code == 302

    assert "240.00" in page(buyer, saffron)
    assert "240.00" not in page(Client(), saffron)


def test_a_cached_form_carries_a_csrf_token_for_its_own_visitor(db):
    """A visitor served the login page from the cache can still submit it."""
    login_url = reverse("customer:login")
    Client().get(login_url)
    visitor = Client(enforce_csrf_checks=True)
    content = visitor.get(login_url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)[1]

    response = visitor.post(
        login_url,
        {
            "csrfmiddlewaretoken": token,
            "login-username": "nobody@example.ma",
            "login-password": "wrong-password",
            "login_submit": "Log In",
        },
    )

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_a_cached_fragment_follows_the_catalogue(
    rf, saffron, django_capture_on_commit_callbacks
):
    """A fragment cached with `catalogue_version` is re-rendered after a change
    to what the catalogue is made of (a new product)."""
    template = Template(
        "{% load cache %}{% cache 300 price product.pk catalogue_version %}"
        "{{ price }}{% endcache %}"
    )

    def render(price):
        context = RequestContext(rf.get("/"), {"product": saffron, "price": price})
        return template.render(context)

    assert render("120.00") == "120.00"
    assert render("99.50") == "120.00"
    with django_capture_on_commit_callbacks(execute=True):
        ProductFactory(title="Dattes Mejhoul 1 kg")

    assert render("99.50") == "99.50"


def test_catalogue_data_is_recomputed_after_a_bump():
    """Cached catalogue data follows the version: a bump makes it recompute."""
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert catalogue_cached("facets", "argan", compute=compute, sales_context=None) == 1
    assert catalogue_cached("facets", "argan", compute=compute, sales_context=None) == 1
    version = catalogue_version()
    catalogue_version_bump()

    assert catalogue_version() == version + 1
    assert catalogue_cached("facets", "argan", compute=compute, sales_context=None) == 2


def test_requests_arriving_before_the_first_value_wait_for_it():
    """A cold cache under load: the slow value (a search engine answer) is
    computed once, the requests arriving meanwhile get that one's result."""
    from concurrent.futures import ThreadPoolExecutor

    from shop.cache import catalogue_cached_or_previous

    calls = []

    def slow_answer():
        calls.append(1)
        time.sleep(0.3)
        return {"hits": [7, 8]}

    def ask(_):
        return catalogue_cached_or_previous(
            "test-first", "argan", compute=slow_answer, sales_context=None
        )

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(ask, range(4)))

    assert answers == [{"hits": [7, 8]}] * 4
    assert len(calls) == 1


def test_a_first_value_not_kept_is_computed_by_each_waiting_request():
    """Nothing to share (an empty answer is not kept): the waiting requests
    compute their own at once rather than wait in vain."""
    from concurrent.futures import ThreadPoolExecutor

    from shop.cache import catalogue_cached_or_previous

    calls = []

    def empty_answer():
        calls.append(1)
        time.sleep(0.2)
        return {"hits": []}

    def ask(_):
        started = time.monotonic()
        catalogue_cached_or_previous(
            "test-first-empty",
            "zzz",
            compute=empty_answer,
            sales_context=None,
            keep=lambda answer: bool(answer["hits"]),
        )
        return time.monotonic() - started

    with ThreadPoolExecutor(3) as pool:
        waits = list(pool.map(ask, range(3)))

    assert len(calls) == 3
    assert max(waits) < 1.5
