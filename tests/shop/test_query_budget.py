"""Benchmarked shop pages query the database a bounded number of times.

Budgets sit a little above the measured counts (`make bench` prints them for
the 10,000-product catalogue); home, cooperative and store pages are covered in
tests/cms/test_query_budget.py, the product page in
tests/catalog/test_product_page.py and search results in tests/search.
"""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from search import services
from search.indexing import indexing_paused
from tests.search.conftest import build_catalogue

pytestmark = pytest.mark.django_db

CATEGORY_BUDGET = 14
AUTOCOMPLETE_BUDGET = 2
ADD_TO_BASKET_BUDGET = 8


@pytest.fixture
def catalogue(settings):
    """The search tests' catalogue, indexed; pages rendered, not served from cache."""
    settings.PAGE_CACHE_SECONDS = 0
    with indexing_paused():
        built = build_catalogue(timezone.localdate())
    services.index_rebuild()
    return built


def add(client, product):
    return client.post(
        reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1}
    )


def test_category_page_stays_within_budget(
    client, catalogue, django_assert_max_num_queries
):
    """A category listing costs a fixed number of queries, not one per card."""
    category = get_model("catalogue", "Category").objects.get(name="Huiles")
    client.get(category.get_absolute_url())
    with django_assert_max_num_queries(CATEGORY_BUDGET):
        response = client.get(category.get_absolute_url())
    assert response.status_code == 200


def test_autocomplete_stays_within_budget(
    client, catalogue, django_assert_max_num_queries
):
    """Suggestions cost a fixed number of queries, even with an empty cache (the
    cooperative and category names, loaded once per catalogue version)."""
    with django_assert_max_num_queries(AUTOCOMPLETE_BUDGET):
        data = client.get(reverse("search:autocomplete"), {"q": "saf"}).json()
    assert "Safran de Taliouine" in [item["label"] for item in data["results"]]


def test_add_to_basket_stays_within_budget(
    client, catalogue, django_assert_max_num_queries
):
    """Adding to a basket holding other products costs a bounded number of queries."""
    products = list(catalogue["products"].values())
    for product in products[:3]:
        add(client, product)
    with django_assert_max_num_queries(ADD_TO_BASKET_BUDGET):
        response = add(client, products[0])
    assert response.status_code == 302


def count_add_queries(client, product) -> int:
    with CaptureQueriesContext(connection) as queries:
        add(client, product)
    return len(queries)


def test_adding_costs_the_same_in_a_full_basket(client, catalogue):
    """Adding to a basket of five products costs no more than to a basket of one."""
    products = list(catalogue["products"].values())
    add(client, products[0])
    small = count_add_queries(client, products[0])
    for product in products[1:5]:
        add(client, product)

    assert count_add_queries(client, products[0]) == small


def test_adding_tells_what_was_added_without_repricing_the_basket(client, catalogue):
    """The shopper is told which product was added; no basket total message."""
    saffron = catalogue["products"]["Safran de Taliouine"]
    response = add(client, saffron)

    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(shown) == 1
    assert "Safran de Taliouine" in shown[0]


# A shopper with a basket gets every page rendered (never the page cache), as
# on the session path of `make bench`; the shared parts are cached by then.
SESSION_PAGE_BUDGETS = {"category": 18, "product": 20, "search": 18}


def _page_with_a_basket(client, catalogue, page) -> str:
    """Put a product in the client's basket; return the page's address."""
    products = list(catalogue["products"].values())
    add(client, products[0])
    return {
        "category": get_model("catalogue", "Category")
        .objects.get(name="Huiles")
        .get_absolute_url(),
        "product": products[1].get_absolute_url(),
        "search": reverse("search:search") + "?q=argan",
    }[page]


@pytest.mark.parametrize("page", sorted(SESSION_PAGE_BUDGETS))
def test_pages_for_a_shopper_with_a_basket_stay_within_budget(
    client, catalogue, django_assert_max_num_queries, page
):
    """Category, product and search pages cost a fixed budget with a basket."""
    url = _page_with_a_basket(client, catalogue, page)
    client.get(url)
    with django_assert_max_num_queries(SESSION_PAGE_BUDGETS[page]):
        response = client.get(url)
    assert response.status_code == 200
    assert "1 article" in response.content.decode()


# The same shopper once the pages are cached (as in production): the shared
# page, and their header and basket rendered once, then kept until they post.
CACHED_SESSION_BUDGET = 4


@pytest.mark.parametrize("page", sorted(SESSION_PAGE_BUDGETS))
def test_cached_pages_for_a_shopper_with_a_basket_stay_within_budget(
    client, catalogue, settings, django_assert_max_num_queries, page
):
    """Served from the page cache, a page with the shopper's own basket costs
    a few queries (session, basket), not a render."""
    settings.PAGE_CACHE_SECONDS = 60
    url = _page_with_a_basket(client, catalogue, page)
    client.get(url)
    client.get(url)
    with django_assert_max_num_queries(CACHED_SESSION_BUDGET):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "1 article" in response.content.decode()
