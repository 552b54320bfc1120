"""Query budgets of the counter's busiest requests: they must not grow with the
size of the catalogue or of the sale."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from search.services import index_rebuild
from shop.instore.models import CounterSale
from shop.instore.services import sales
from shop.instore.services.drawer import drawer_session_open
from tests.factories import ProductFactory, StockRecordFactory

pytestmark = pytest.mark.django_db

LOOKUP_BUDGET = 11
ADD_LINE_BUDGET = 30
# Once the store, its staff's access and the product are cached: who is signed
# in; for adding, also the sale (read, then locked), its line and two updates,
# in a savepoint here.
LOOKUP_WARM_BUDGET = 1
ADD_LINE_WARM_BUDGET = 8
PLACE_ORDER_BUDGET = 90


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(f"instore:{name}", kwargs=kwargs)


@pytest.fixture
def shelf(store_a):
    """Twelve oils on store A's shelf and in a warehouse."""
    products = []
    for n in range(12):
        product = ProductFactory(
            title=f"Huile d'argane alimentaire {n}", upc=f"61112455{n:05d}"
        )
        StockRecordFactory(product=product, partner=store_a, num_in_stock=20)
        products.append(product)
    index_rebuild()
    return products


@pytest.fixture
def counter(client, staff_a):
    client.force_login(staff_a)
    client.get("/")  # the session exists before counting
    return client


def test_lookup_by_code_and_by_words(
    counter, store_a, shelf, django_assert_max_num_queries
):
    """An exact barcode and a search listing eight products cost the same."""
    for text, found in ((shelf[3].upc, 1), ("huile argane", 8)):
        with django_assert_max_num_queries(LOOKUP_BUDGET):
            response = counter.get(url("lookup", store=store_a.code), {"q": text})
        assert len(response.json()["hits"]) == found
        assert response.json()["degraded"] is False


def test_a_busy_counter_reads_only_the_sale_it_changes(
    counter, store_a, staff_a, shelf, django_assert_max_num_queries
):
    """The steady state of a till: the same codes scanned and looked up again."""
    sale = sales.sale_open(store=store_a, by=staff_a)
    add = url("sale-add", store=store_a.code, pk=sale.pk)
    lookup = url("lookup", store=store_a.code)
    counter.post(add, {"code": shelf[0].upc, "quantity": 1})
    counter.get(lookup, {"q": shelf[1].upc})

    with django_assert_max_num_queries(ADD_LINE_WARM_BUDGET):
        assert (
            counter.post(add, {"code": shelf[0].upc, "quantity": 1}).status_code == 302
        )
    with django_assert_max_num_queries(LOOKUP_WARM_BUDGET):
        response = counter.get(lookup, {"q": shelf[1].upc})
    assert [hit["id"] for hit in response.json()["hits"]] == [shelf[1].pk]
    assert sale.basket.lines.get().quantity == 2


@pytest.mark.parametrize("lines_before", [0, 8])
def test_adding_a_line(
    counter, store_a, staff_a, shelf, lines_before, django_assert_max_num_queries
):
    """Scanning one more product costs as much in a long sale as in a new one."""
    sale = sales.sale_open(store=store_a, by=staff_a)
    for product in shelf[:lines_before]:
        sales.sale_line_add(sale=sale, product=product, quantity=1, by=staff_a)
    with django_assert_max_num_queries(ADD_LINE_BUDGET):
        response = counter.post(
            url("sale-add", store=store_a.code, pk=sale.pk),
            {"code": shelf[-1].upc, "quantity": 1},
        )
    assert response.status_code == 302


@pytest.mark.parametrize("lines", [1, 10])
def test_placing_the_order(
    counter, store_a, staff_a, shelf, lines, django_assert_max_num_queries
):
    """Paying for ten lines costs no more queries than for one."""
    drawer_session_open(store=store_a, opening_float=Decimal("100"), by=staff_a)
    sale = sales.sale_open(store=store_a, by=staff_a)
    for product in shelf[:lines]:
        sales.sale_line_add(sale=sale, product=product, quantity=1, by=staff_a)
    with django_assert_max_num_queries(PLACE_ORDER_BUDGET):
        response = counter.post(
            url("sale-pay", store=store_a.code, pk=sale.pk),
            {"method": "cash", "cash_tendered": "5000"},
        )
    assert response.status_code == 302
    sale.refresh_from_db()
    assert sale.status == CounterSale.Status.PLACED
