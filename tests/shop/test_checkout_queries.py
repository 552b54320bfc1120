"""Placing an order costs the same SQL whatever the basket size (up to 20 lines).

Measured: 58 queries for 1, 5 and 20 lines (SQLite and PostgreSQL alike).
It was 69 before the shipping options were read once per request
(shop/shipping/selectors.py), the lines' stock records reused the lines'
products (basket_lines_prefetch) and the vouchers were read once.
Lines, line prices and stock allocation are written in bulk
(shop/checkout/ordering.py, stock_allocate_many), purchase counters in two
statements (shop/analytics).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.apps.analytics.models import ProductRecord
from oscar.apps.order.models import Order
from oscar.apps.partner.models import StockAlert

from search.queries import ProductQuery, product_search
from search.services import index_rebuild
from tests.factories import ProductFactory
from tests.shop.checkout_journey import Shopper, url

pytestmark = pytest.mark.django_db

PLACE_ORDER_QUERY_BUDGET = 58


@pytest.fixture(autouse=True)
def no_analytics_flush(settings):
    # The analytics buffer writes itself out every few seconds from whichever
    # request comes next; that batch is not the cost of placing an order.
    settings.ANALYTICS_FLUSH_SECONDS = 3600


def place_order_queries(shopper, products) -> int:
    shopper.up_to_payment([(product, 1) for product in products], shipping="standard")
    shopper.pay_by("cash_on_delivery")
    with CaptureQueriesContext(connection) as queries:
        response = shopper.client.post(
            url("checkout:preview"), {"action": "place_order"}
        )
    assert response["Location"] == url("checkout:thank-you")
    return len(queries)


@pytest.mark.parametrize("lines", [1, 5, 20])
def test_place_order_stays_within_the_query_budget(
    shopper, lines, django_assert_max_num_queries
):
    """Placing an order of 1, 5 or 20 lines never exceeds the same budget."""
    products = [ProductFactory() for _ in range(lines)]
    shopper.up_to_payment([(product, 1) for product in products], shipping="standard")
    shopper.pay_by("cash_on_delivery")

    with django_assert_max_num_queries(PLACE_ORDER_QUERY_BUDGET):
        response = shopper.client.post(
            url("checkout:preview"), {"action": "place_order"}
        )

    assert response["Location"] == url("checkout:thank-you")
    assert Order.objects.get().lines.count() == lines


def test_twenty_lines_cost_no_more_queries_than_one(shipping_reference_data):
    """The count is flat: nothing is written or read once per line."""
    # The very first order also creates reference rows (payment source type).
    place_order_queries(Shopper(Client(), email="first@example.ma"), [ProductFactory()])

    one = place_order_queries(Shopper(Client()), [ProductFactory()])
    twenty = place_order_queries(
        Shopper(Client(), email="omar@example.ma"),
        [ProductFactory() for _ in range(20)],
    )

    assert twenty == one


def test_a_bulk_placed_order_keeps_lines_prices_stock_and_counters(shopper):
    """Every line, its price, its stock allocation and purchase count are recorded."""
    honey, oil = ProductFactory(), ProductFactory()
    oil_stock = oil.stockrecords.get()
    oil_stock.low_stock_threshold = 5
    oil_stock.num_in_stock = 6
    oil_stock.save()
    shopper.up_to_payment([(honey, 1), (oil, 3)], shipping="standard")
    shopper.pay_by("cash_on_delivery")
    shopper.place()

    order = Order.objects.get()
    lines = {line.product_id: line for line in order.lines.all()}
    assert {pk: line.quantity for pk, line in lines.items()} == {honey.pk: 1, oil.pk: 3}
    oil_line = lines[oil.pk]
    assert [(p.quantity, p.price_incl_tax) for p in oil_line.prices.all()] == [
        (3, oil_line.unit_price_incl_tax)
    ]
    oil_stock.refresh_from_db()
    assert (oil_stock.num_allocated, oil_stock.net_stock_level) == (3, 3)
    assert StockAlert.objects.filter(
        stockrecord=oil_stock, status=StockAlert.OPEN
    ).exists()
    purchases = dict(ProductRecord.objects.values_list("product_id", "num_purchases"))
    assert purchases == {honey.pk: 1, oil.pk: 3}


def test_selling_the_last_units_takes_the_product_out_of_in_stock_search(
    shopper, django_capture_on_commit_callbacks
):
    """After an order empties a stock record, the in-stock search filter drops it."""
    saffron = ProductFactory(title="Safran de Taliouine 2 g")
    record = saffron.stockrecords.get()
    record.num_in_stock = 2
    record.save()
    index_rebuild()

    def in_stock_titles():
        query = ProductQuery(text="taliouine", in_stock=True, with_facets=False)
        return [hit.title for hit in product_search(query=query).hits]

    assert in_stock_titles() == ["Safran de Taliouine 2 g"]
    shopper.up_to_payment([(saffron, 2)], shipping="standard")
    shopper.pay_by("cash_on_delivery")
    with django_capture_on_commit_callbacks(execute=True):
        shopper.place()

    assert in_stock_titles() == []


def test_a_guests_order_with_a_voucher_is_placed_and_counts_its_use_once(shopper):
    """The voucher's discount is on the order and its use counted once (a
    guest's order with a voucher answered 500: Oscar asked a missing user
    whether they were signed in)."""
    from oscar.apps.offer.models import Benefit, Condition, ConditionalOffer
    from oscar.test import factories as oscar_factories

    welcome = oscar_factories.ConditionalOfferFactory(
        name="Welcome, 10% off",
        offer_type=ConditionalOffer.VOUCHER,
        condition__type=Condition.COUNT,
        condition__value=1,
        condition__range__includes_all_products=True,
        benefit__type=Benefit.PERCENTAGE,
        benefit__value=10,
        benefit__range__includes_all_products=True,
    )
    voucher = oscar_factories.VoucherFactory(code="BIENVENUE")
    voucher.offers.add(welcome)
    honey = ProductFactory(stockrecords__price="100.00")
    shopper.add(honey)
    shopper.client.post(url("basket:vouchers-add"), {"code": "BIENVENUE"})
    shopper.start_as_guest()
    shopper.address()
    shopper.ship_by("standard")
    shopper.pay_by("cash_on_delivery")

    response = shopper.place(follow=False)

    assert response["Location"] == url("checkout:thank-you")
    order = Order.objects.get()
    assert [(d.voucher_code, d.amount) for d in order.discounts.all()] == [
        ("BIENVENUE", 10)
    ]
    voucher.refresh_from_db()
    assert voucher.num_orders == 1
    assert voucher.applications.get().order == order
