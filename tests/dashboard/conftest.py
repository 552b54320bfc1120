"""Orders of every channel, and the people who look at them."""

from decimal import Decimal

import pytest
from oscar.apps.order.models import Order

from shop.instore.services import sales
from shop.instore.services.drawer import drawer_session_open
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import (
    ProductFactory,
    StockRecordFactory,
)
from tests.shop.checkout_journey import CARD_OK, Shopper


@pytest.fixture
def shopper(client, db):
    # A transactional test elsewhere may have flushed the migrated rows.
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    return Shopper(client)


@pytest.fixture
def argan_oil(db):
    """120 MAD, 50 in a warehouse."""
    return ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=50)


def web_order(shopper, product, method, quantity=1):
    """An online order placed through the checkout pages."""
    shopper.up_to_payment([(product, quantity)], shipping="standard")
    shopper.pay_by(method)
    shopper.place(card=CARD_OK if method == "card" else None)
    return Order.objects.order_by("-pk").first()


def counter_order(*, store, product, by, quantity=1):
    """A take-away sold at a store's counter, paid in cash."""
    if not store.drawer_sessions.filter(status="open").exists():
        drawer_session_open(store=store, opening_float=Decimal("100.00"), by=by)
    if not product.stockrecords.filter(partner=store).exists():
        StockRecordFactory(product=product, partner=store, num_in_stock=10)
    sale = sales.sale_open(store=store, by=by)
    sales.sale_line_add(sale=sale, product=product, quantity=quantity, by=by)
    return sales.sale_place(
        sale=sale,
        payment=sales.CounterPayment("cash", cash_tendered=Decimal("1000.00")),
        by=by,
    )
