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
