"""Finish a web checkout, for every payment method, through the placement service.

The view and the Stripe webhook both finish a card checkout through
`card_checkout_complete`: the CheckoutPayment row is locked, so whichever comes
first places the order (shop.sales.services.order_place) and the other finds
it. Nothing here reads the session.
"""

import logging

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_class

from shop.audit.services import SYSTEM
from shop.payments.gateways import gateway_for
from shop.payments.models import CheckoutPayment
from shop.payments.services import (
    EventKind,
    payment_event_record,
    payment_event_total,
)
from shop.payments.types import (
    PaymentDeclined,
    PaymentError,
    PaymentRequest,
    PaymentStatus,
)
from shop.sales.context import ONLINE, Delivery, OrderIntent
from shop.sales.services import CheckoutRefused, address_fields, order_place

logger = logging.getLogger(__name__)

Status = CheckoutPayment.Status
Method = CheckoutPayment.Method


def order_number_reserve(*, basket) -> str:
    """Return the basket's order number (Oscar's generator: one basket, one number)."""
    generator = get_class("order.utils", "OrderNumberGenerator")()
    return str(generator.order_number(basket))


def checkout_intent_build(
    *, user, shipping_address, shipping_method, payment_method: str, guest_email: str
) -> OrderIntent:
    """The order intent of a web checkout (online, in the shopper's language)."""
    return OrderIntent(
        context=ONLINE,
        customer=user if user.is_authenticated else None,
        guest_email=guest_email or "",
        delivery=Delivery(
            method_code=shipping_method.code,
            address=address_fields(shipping_address),
            store=getattr(shipping_method, "store", None),
        ),
        payment_method=payment_method,
        language=translation.get_language() or "fr",
    )


def offline_checkout_place(*, payment: CheckoutPayment, basket=None):
    """Place a cash-on-delivery or pay-at-pickup order (no money moves yet).

    Inside the caller's transaction it takes no savepoint: a refusal fails the
    caller's placement too.
    """
    with transaction.atomic(savepoint=False):
        payment = CheckoutPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.order_id:
            return payment.order
        result = gateway_for(payment.method).authorize(_payment_request(payment))
        payment.reference = result.reference
        payment.save(update_fields=["reference", "updated"])
        return order_place(payment=payment, basket=basket)


def _payment_request(payment: CheckoutPayment, token: str = "") -> PaymentRequest:
    return PaymentRequest(
        order_number=payment.order_number,
        amount=payment.amount,
        currency=payment.currency,
        basket_id=payment.basket_id,
        payment_token=token,
    )


def card_checkout_authorize(*, payment: CheckoutPayment, token: str):
    """Hold the amount on the card; return the gateway's answer.

    A declined card closes this attempt (the shopper may try another card).
    """
    try:
        result = gateway_for(Method.CARD).authorize(_payment_request(payment, token))
    except PaymentDeclined:
        CheckoutPayment.objects.filter(pk=payment.pk).update(status=Status.FAILED)
        raise
    CheckoutPayment.objects.filter(pk=payment.pk).update(reference=result.reference)
    payment.reference = result.reference
    return result


def card_checkout_complete(*, payment: CheckoutPayment, basket=None):
    """Check the intent against the checkout, place the order, then capture.

    Refusal (amount, currency or order mismatch; stock gone; basket changed)
    cancels the intent so no money stays held, and raises CheckoutRefused.
    """
    gateway = gateway_for(Method.CARD)
    with transaction.atomic():
        payment = CheckoutPayment.objects.select_for_update().get(pk=payment.pk)
        refusal = (
            None if payment.order_id else _card_order_place(payment, gateway, basket)
        )
    if refusal:
        raise CheckoutRefused(refusal)
    card_payment_capture(payment=payment)
    return payment.order


def card_refusal(reason: str) -> str:
    """What the shopper reads when the card is refused, with the bank's reason."""
    return _(
        "Payment refused: %(reason)s Nothing was charged; you can try another card."
    ) % {"reason": reason}


def _card_order_place(payment: CheckoutPayment, gateway, basket) -> str | None:
    """Place the order of an authorised intent; return a refusal message if not."""
    if payment.status != Status.PENDING or not payment.reference:
        return _("This payment was already closed; nothing more was charged.")
    intent = gateway.retrieve(payment.reference)
    if intent.status == PaymentStatus.FAILED:
        payment.status = Status.FAILED
        payment.save(update_fields=["status", "updated"])
        return card_refusal(intent.error or _("your card was declined by your bank."))
    if intent.status != PaymentStatus.AUTHORIZED:
        return _("Your card payment is not confirmed yet; nothing was charged.")
    if (
        intent.amount != payment.amount
        or intent.currency != payment.currency.upper()
        or intent.metadata.get("order_number") != payment.order_number
        or intent.metadata.get("basket_id") != str(payment.basket_id)
    ):
        return _refuse(payment, gateway, _("The payment does not match your order."))
    try:
        with transaction.atomic():
            order = order_place(payment=payment, basket=basket)
            payment_event_record(
                order=order,
                kind=EventKind.AUTHORISED,
                amount=intent.amount,
                reference=intent.reference,
            )
    except CheckoutRefused as error:
        return _refuse(payment, gateway, str(error))
    return None


def _refuse(payment: CheckoutPayment, gateway, message: str) -> str:
    """Cancel the intent (releasing the held money) and close the payment."""
    try:
        gateway.cancel(payment.reference)
    except PaymentError:
        logger.warning("Could not cancel intent %s", payment.reference, exc_info=True)
    payment.status = Status.CANCELLED
    payment.attention_reason = message
    payment.save(update_fields=["status", "attention_reason", "updated"])
    return message


def card_payment_capture(*, payment: CheckoutPayment) -> None:
    """Capture a placed card order's intent once; flag the order if it fails.

    The browser and the webhook may both get here: the row lock serialises
    them and the recorded capture event makes the second one a no-op.
    """
    gateway = gateway_for(Method.CARD)
    with transaction.atomic():
        payment = CheckoutPayment.objects.select_for_update().get(pk=payment.pk)
        order = payment.order
        if order is None or payment_event_total(order=order, kind=EventKind.CAPTURED):
            return
        try:
            result = gateway.retrieve(payment.reference)
            if result.status == PaymentStatus.AUTHORIZED:
                result = gateway.capture(payment.reference)
        except PaymentError as error:
            reason = str(error)
        else:
            if result.status == PaymentStatus.CAPTURED:
                payment_event_record(
                    order=order,
                    kind=EventKind.CAPTURED,
                    amount=result.amount,
                    reference=result.reference,
                    actor=SYSTEM,
                )
                return
            reason = _(
                "The card payment could not be captured (status %(status)s)."
            ) % {"status": result.status}
        payment.status = Status.NEEDS_ATTENTION
        payment.attention_reason = reason
        payment.save(update_fields=["status", "attention_reason", "updated"])
