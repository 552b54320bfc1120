"""Handle Stripe webhook events: deduplicate, then reconcile the intent's state.

Events only say "look at this intent"; we re-read the intent from Stripe and act
on its current status, so out-of-order or repeated deliveries converge.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shop.audit.models import Source
from shop.audit.services import Actor
from shop.checkout import services as checkout_services
from shop.payments.gateways import gateway_for
from shop.payments.models import CheckoutPayment, StripeEvent
from shop.payments.services import EventKind, payment_event_record, payment_event_total
from shop.payments.types import PaymentStatus, WebhookEvent

logger = logging.getLogger(__name__)

HANDLED_TYPES = {
    "payment_intent.succeeded",
    "payment_intent.amount_capturable_updated",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "charge.refunded",
}
Status = CheckoutPayment.Status


def stripe_event_process(*, event: WebhookEvent) -> bool:
    """Record the event once; return False for a replay already handled."""
    try:
        with transaction.atomic():
            StripeEvent.objects.create(
                event_id=event.id, type=event.type, reference=event.reference
            )
    except IntegrityError:
        return False
    if event.type in HANDLED_TYPES and event.reference:
        try:
            card_payment_reconcile(reference=event.reference)
        except Exception:
            # Forget the event so Stripe's retry gets a second chance.
            StripeEvent.objects.filter(event_id=event.id).delete()
            raise
    return True


def card_payment_reconcile(*, reference: str) -> None:
    """Bring our records in line with the intent's state at Stripe."""
    payment = CheckoutPayment.objects.filter(reference=reference).first()
    if payment is None:
        logger.info("Webhook for unknown intent %s ignored", reference)
        return
    intent = gateway_for(CheckoutPayment.Method.CARD).retrieve(reference)
    if intent.status == PaymentStatus.AUTHORIZED and payment.order_id is None:
        # The browser never came back: place the order from the recorded checkout.
        try:
            checkout_services.card_checkout_complete(payment=payment)
        except checkout_services.CheckoutRefused as refusal:
            _flag(
                payment,
                _("Card authorised but not placed: %(reason)s") % {"reason": refusal},
            )
        return
    if intent.status in (PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED):
        if payment.order_id:
            checkout_services.card_payment_capture(payment=payment)
            _refunds_record(payment, intent)
        else:
            _flag(payment, _("Card payment captured without an order."))
        return
    if intent.status == PaymentStatus.CANCELLED:
        if payment.order_id is None and payment.status == Status.PENDING:
            CheckoutPayment.objects.filter(pk=payment.pk).update(
                status=Status.CANCELLED
            )
        elif payment.order_id and payment.order.status != "Cancelled":
            _flag(payment, _("The card payment was cancelled at Stripe."))
        return
    if intent.status == PaymentStatus.FAILED and payment.status == Status.PENDING:
        CheckoutPayment.objects.filter(pk=payment.pk).update(status=Status.FAILED)


def _refunds_record(payment: CheckoutPayment, intent) -> None:
    """Record refunds made outside our dashboard (e.g. in Stripe's own)."""
    with transaction.atomic():
        order = type(payment.order).objects.select_for_update().get(pk=payment.order_id)
        recorded = payment_event_total(order=order, kind=EventKind.REFUNDED)
        if intent.amount_refunded > recorded:
            payment_event_record(
                order=order,
                kind=EventKind.REFUNDED,
                amount=intent.amount_refunded - recorded,
                reference=intent.reference,
                actor=Actor(source=Source.API),
            )


def _flag(payment: CheckoutPayment, reason: str) -> None:
    logger.warning("Payment %s needs attention: %s", payment.order_number, reason)
    CheckoutPayment.objects.filter(pk=payment.pk).update(
        status=Status.NEEDS_ATTENTION, attention_reason=reason
    )
