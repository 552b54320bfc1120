"""The place-order request stays within a fixed SQL budget for baskets up to 20 lines.

Measured for 1 / 20 lines: 68 / 239 queries (SQLite and PostgreSQL alike).
What still grows per line (9) is Oscar's own OrderCreator (line and price
rows), the guarded stock UPDATE and its re-read, and Oscar's stock-alert and
analytics receivers; everything our checkout reads (stock records, product
classes, partners, weights, stores) is loaded in bulk.
"""

import pytest
from oscar.apps.order.models import Order

from tests.factories import ProductFactory
from tests.shop.checkout_journey import url

pytestmark = pytest.mark.django_db

PLACE_ORDER_QUERY_BUDGET = 245


@pytest.mark.parametrize("lines", [1, 5, 20])
def test_place_order_stays_within_the_query_budget(
    shopper, lines, django_assert_max_num_queries, settings
):
    """Placing an order of 1, 5 or 20 lines never exceeds the same budget."""
    # The analytics buffer writes itself out every few seconds from whichever
    # request comes next; that batch is not the cost of placing an order.
    settings.ANALYTICS_FLUSH_SECONDS = 3600
    products = [ProductFactory() for _ in range(lines)]
    shopper.up_to_payment([(product, 1) for product in products], shipping="standard")
    shopper.pay_by("cash_on_delivery")

    with django_assert_max_num_queries(PLACE_ORDER_QUERY_BUDGET):
        response = shopper.client.post(
            url("checkout:preview"), {"action": "place_order"}
        )

    assert response["Location"] == url("checkout:thank-you")
    assert Order.objects.get().lines.count() == lines
