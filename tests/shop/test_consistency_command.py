"""`manage.py check_orders_consistency`: payments, Stripe, stock and allocations."""

import io
import time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from oscar.apps.order.models import Order

from shop.partner.models import StockRecord
from shop.payments.gateways import gateway_for
from shop.payments.services import EventKind, payment_event_record
from shop.payments.types import PaymentRequest
from tests.factories import ProductFactory
from tests.shop.checkout_journey import CARD_OK, Shopper, card_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_stripe")]


@pytest.fixture
def since():
    """Start on a fresh second: the check reads intents created from then on,
    and localstripe keeps those of earlier tests."""
    start = int(time.time()) + 1
    time.sleep(start - time.time())
    return start


@pytest.fixture
def placed_orders(client, shipping_reference_data, argan_oil, since):
    """A cash-on-delivery order and a captured card order, placed as shoppers do."""
    for method, card in (("cash_on_delivery", None), ("card", CARD_OK)):
        shopper = Shopper(client, email=f"{method}@example.ma")
        shopper.up_to_payment([(argan_oil, 2)], shipping="standard")
        shopper.pay_by(method)
        shopper.place(card=card)
    assert Order.objects.count() == 2
    return Order.objects.order_by("pk")


def check(since):
    out = io.StringIO()
    days = (time.time() - since + 1) / 86400
    try:
        call_command(
            "check_orders_consistency",
            stripe_days=days,
            held_grace_minutes=0,
            stdout=out,
        )
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_orders_placed_by_shoppers_are_consistent(placed_orders, argan_oil, since):
    """Two orders of two units: captured once, four units allocated, exit 0."""
    output, code = check(since)

    assert code == 0
    assert "payments     1 captured card payments: OK" in output
    assert "stripe       1 PaymentIntents" in output
    assert "(1 captured, 0 held): OK" in output
    assert "allocations  2 orders, 1 stock records held by their lines: OK" in output
    assert "Orders, payments and stock agree." in output
    assert argan_oil.stockrecords.get().num_allocated == 4


def test_every_kind_of_inconsistency_is_named_and_fails(placed_orders, since):
    """Oversold stock, allocations off their lines, a double capture, money
    captured or held at Stripe without an order: each is listed, exit 1."""
    card_order = placed_orders[1]
    record = card_order.lines.get().stockrecord
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=5)
    saffron = ProductFactory(title="Safran", stockrecords__num_in_stock=1)
    saffron.stockrecords.update(num_allocated=3)
    payment_event_record(
        order=card_order,
        kind=EventKind.CAPTURED,
        amount=card_order.total_incl_tax,
        reference=card_order.checkout_payment.reference,
    )
    gateway = gateway_for("card")
    stray, held = (
        gateway.authorize(
            PaymentRequest(
                order_number=f"LOST-{n}",
                amount=Decimal("50.00"),
                currency="MAD",
                basket_id=0,
                payment_token=card_token(CARD_OK),
            )
        ).reference
        for n in (1, 2)
    )
    gateway.capture(stray)

    output, code = check(since)

    assert code == 1
    reference = card_order.checkout_payment.reference
    assert f"{reference}: captured 2 times" in output
    assert f"{stray}: captured at Stripe without an order" in output
    assert f"{held}: money held at Stripe without an order" in output
    assert f"{reference}: captured at Stripe, 2 captures recorded" in output
    assert "oversold: more allocated than in stock (3 allocated, 1 in stock)" in output
    assert f"stock record {record.pk} ({record.partner_sku}): 5 allocated, " in output
    assert "open order lines hold 4" in output
