"""Record money movements on orders (Oscar payment Sources and Events)."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.audit.models import Action
from shop.audit.services import SYSTEM, Actor, audit_order_status, audit_record
from shop.payments.gateways import gateway_for
from shop.payments.models import CheckoutPayment
from shop.payments.types import PaymentStatus

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")

# Order status names from OSCAR_ORDER_STATUS_PIPELINE.
CANCELLED = "Cancelled"

SOURCE_NAMES = {
    CheckoutPayment.Method.CARD: _("Card (Stripe)"),
    CheckoutPayment.Method.CASH_ON_DELIVERY: _("Cash on delivery"),
    CheckoutPayment.Method.PAY_AT_PICKUP: _("Pay at pickup"),
    CheckoutPayment.Method.CASH: _("Cash at the counter"),
    CheckoutPayment.Method.CARD_TERMINAL: _("Card on the store's terminal"),
    CheckoutPayment.Method.BANK_TRANSFER: _("Bank transfer in advance"),
    CheckoutPayment.Method.TERMS: _("Bank transfer on terms"),
}


class EventKind:
    AUTHORISED = "authorised"
    CAPTURED = "captured"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


# What the audit trail calls each movement (an authorisation is the
# shopper's checkout, no action on the order).
AUDIT_ACTIONS = {
    EventKind.CAPTURED: Action.PAYMENT_CAPTURED,
    EventKind.PAID: Action.PAYMENT_RECORDED,
    EventKind.CANCELLED: Action.PAYMENT_CANCELLED,
    EventKind.REFUNDED: Action.PAYMENT_REFUNDED,
}

EVENT_NAMES = {
    EventKind.AUTHORISED: _("Authorised"),
    EventKind.CAPTURED: _("Captured"),
    EventKind.PAID: _("Paid"),
    EventKind.CANCELLED: _("Cancelled"),
    EventKind.REFUNDED: _("Refunded"),
}


def _stored_name(name) -> str:
    """Names saved in Oscar's tables are in the shop's default language, once."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(name)


def payment_sources_open(*, order, currency: str, tenders) -> list:
    """Open one payment source per tender, for its amount (nothing debited yet).

    `tenders` have a method code, an amount and a reference (shop.sales.services
    .Tender): a card checkout has one, a counter sale split between cash and
    card has two.
    """
    sources = []
    for tender in tenders:
        source_type, _created = SourceType.objects.get_or_create(
            code=tender.method,
            defaults={"name": _stored_name(SOURCE_NAMES[tender.method])},
        )
        sources.append(
            Source.objects.create(
                order=order,
                source_type=source_type,
                currency=currency,
                amount_allocated=tender.amount,
                reference=tender.reference or "",
            )
        )
    return sources


def payment_event_record(
    *,
    order,
    kind: str,
    amount: Decimal,
    reference: str = "",
    source=None,
    actor: Actor | None = None,
):
    """Add a payment event to the order and move its source's counters with it.

    The source is the order's first unless told (an order paid in cash and by
    card has one source each). With an `actor`, the audit trail records the
    movement; without, it is part of placing the order (the checkout's
    authorisation, a counter sale's payment).
    """
    event_type, _created = PaymentEventType.objects.get_or_create(
        code=kind, defaults={"name": _stored_name(EVENT_NAMES[kind])}
    )
    if source is None:
        source = order.sources.first()
    before, after = {}, {"amount": amount}
    if source is not None:
        if kind in (EventKind.CAPTURED, EventKind.PAID):
            before["paid"] = source.amount_debited
            source.amount_debited += amount
            after["paid"] = source.amount_debited
        elif kind == EventKind.REFUNDED:
            before["refunded"] = source.amount_refunded
            source.amount_refunded += amount
            after["refunded"] = source.amount_refunded
        source.save(update_fields=["amount_debited", "amount_refunded"])
    event = PaymentEvent.objects.create(
        order=order, event_type=event_type, amount=amount, reference=reference
    )
    if actor is not None and kind in AUDIT_ACTIONS:
        audit_record(
            action=AUDIT_ACTIONS[kind],
            actor=actor,
            obj=event,
            order=order,
            label=reference,
            before=before,
            after=after,
        )
    return event


def payment_event_total(*, order, kind: str) -> Decimal:
    return sum(
        (event.amount for event in order.payment_events.filter(event_type__code=kind)),
        Decimal("0.00"),
    )


class PaymentActionRefused(Exception):
    """A staff payment action that does not apply to this order; says why."""


def _checkout_payment(order) -> CheckoutPayment:
    payment = CheckoutPayment.objects.filter(order=order).first()
    if payment is None:
        raise PaymentActionRefused(_("This order has no recorded payment method."))
    return payment


def order_mark_paid(
    *, order, reference: str = "", tender: str = "", actor: Actor = SYSTEM
) -> None:
    """Record the cash collected for a cash-on-delivery or pay-at-pickup order.

    `reference` is what proves the payment when there is one (a card
    terminal's slip number at pickup); else the gateway's reference. `tender`
    is how a pay-at-pickup customer actually paid (cash or card_terminal): the
    order's payment source then says so, for the store's end-of-day totals.
    """
    with transaction.atomic():
        order = type(order).objects.select_for_update().get(pk=order.pk)
        payment = _checkout_payment(order)
        if payment.method == CheckoutPayment.Method.CARD:
            raise PaymentActionRefused(_("Card orders are paid through Stripe."))
        if payment_event_total(order=order, kind=EventKind.PAID):
            raise PaymentActionRefused(_("This order is already marked as paid."))
        if order.status == CANCELLED:
            raise PaymentActionRefused(_("This order is cancelled."))
        result = gateway_for(payment.method).capture(
            payment.reference, order.total_incl_tax
        )
        if tender:
            _source_tender_set(order, tender, reference)
        payment_event_record(
            order=order,
            kind=EventKind.PAID,
            amount=result.amount,
            reference=reference or result.reference,
            actor=actor,
        )


def _source_tender_set(order, tender: str, reference: str) -> None:
    source_type, _created = SourceType.objects.get_or_create(
        code=tender, defaults={"name": _stored_name(SOURCE_NAMES[tender])}
    )
    order.sources.update(source_type=source_type, reference=reference)


def order_refund(*, order, amount: Decimal, actor: Actor = SYSTEM) -> None:
    """Refund part or all of a captured card payment."""
    with transaction.atomic():
        order = type(order).objects.select_for_update().get(pk=order.pk)
        payment = _checkout_payment(order)
        if payment.method != CheckoutPayment.Method.CARD:
            raise PaymentActionRefused(_("Only card payments are refunded here."))
        refundable = _card_refundable(order)
        if amount <= 0 or amount > refundable:
            raise PaymentActionRefused(
                _("You can refund between 0.01 and %(max)s.") % {"max": refundable}
            )
        gateway_for(payment.method).refund(payment.reference, amount)
        payment_event_record(
            order=order,
            kind=EventKind.REFUNDED,
            amount=amount,
            reference=payment.reference,
            actor=actor,
        )


def order_cancel(*, order, actor: Actor = SYSTEM) -> None:
    """Cancel an order: release its stock and give the card money back."""
    with transaction.atomic():
        order = type(order).objects.select_for_update().get(pk=order.pk)
        if order.status == CANCELLED:
            raise PaymentActionRefused(_("This order is already cancelled."))
        payment = _checkout_payment(order)
        if payment.method == CheckoutPayment.Method.CARD:
            _card_money_return(order, payment, actor)
        else:
            gateway_for(payment.method).cancel(payment.reference)
        for line in order.lines.select_related("stockrecord"):
            if line.stockrecord:
                line.stockrecord.cancel_allocation(line.quantity)
        status = order.status
        order.set_status(CANCELLED)
        audit_order_status(order=order, before=status, actor=actor)
        CheckoutPayment.objects.filter(pk=payment.pk).update(
            status=CheckoutPayment.Status.CANCELLED
        )


def _card_refundable(order) -> Decimal:
    """Captured money not yet given back."""
    return payment_event_total(
        order=order, kind=EventKind.CAPTURED
    ) - payment_event_total(order=order, kind=EventKind.REFUNDED)


def _card_money_return(order, payment: CheckoutPayment, actor: Actor) -> None:
    gateway = gateway_for(payment.method)
    intent = gateway.retrieve(payment.reference)
    if intent.status == PaymentStatus.AUTHORIZED:
        gateway.cancel(payment.reference)
        payment_event_record(
            order=order,
            kind=EventKind.CANCELLED,
            amount=intent.amount,
            reference=payment.reference,
            actor=actor,
        )
        return
    outstanding = _card_refundable(order)
    if outstanding > 0:
        gateway.refund(payment.reference, outstanding)
        payment_event_record(
            order=order,
            kind=EventKind.REFUNDED,
            amount=outstanding,
            reference=payment.reference,
            actor=actor,
        )
