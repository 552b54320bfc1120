"""Record money movements on orders (Oscar payment Sources and Events)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.payments.models import CheckoutPayment

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")

SOURCE_NAMES = {
    CheckoutPayment.Method.CARD: _("Card (Stripe)"),
    CheckoutPayment.Method.CASH_ON_DELIVERY: _("Cash on delivery"),
    CheckoutPayment.Method.PAY_AT_PICKUP: _("Pay at pickup"),
}


class EventKind:
    AUTHORISED = "authorised"
    CAPTURED = "captured"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


EVENT_NAMES = {
    EventKind.AUTHORISED: "Authorised",
    EventKind.CAPTURED: "Captured",
    EventKind.PAID: "Paid",
    EventKind.CANCELLED: "Cancelled",
    EventKind.REFUNDED: "Refunded",
}


def payment_source_create(*, order, payment: CheckoutPayment):
    """Open the order's payment source for the whole amount (nothing debited yet)."""
    source_type, _created = SourceType.objects.get_or_create(
        code=payment.method, defaults={"name": str(SOURCE_NAMES[payment.method])}
    )
    return Source.objects.create(
        order=order,
        source_type=source_type,
        currency=payment.currency,
        amount_allocated=payment.amount,
        reference=payment.reference or "",
    )


def payment_event_record(*, order, kind: str, amount: Decimal, reference: str = ""):
    """Add a payment event to the order and move the source's counters with it."""
    event_type, _created = PaymentEventType.objects.get_or_create(
        code=kind, defaults={"name": EVENT_NAMES[kind]}
    )
    source = order.sources.first()
    if source is not None:
        if kind in (EventKind.CAPTURED, EventKind.PAID):
            source.amount_debited += amount
        elif kind == EventKind.REFUNDED:
            source.amount_refunded += amount
        source.save(update_fields=["amount_debited", "amount_refunded"])
    return PaymentEvent.objects.create(
        order=order, event_type=event_type, amount=amount, reference=reference
    )


def payment_event_total(*, order, kind: str) -> Decimal:
    return sum(
        (event.amount for event in order.payment_events.filter(event_type__code=kind)),
        Decimal("0.00"),
    )
