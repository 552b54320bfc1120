"""Place orders from a recorded checkout, for every payment method.

The view and the Stripe webhook both finish a card checkout through
`card_checkout_complete`: the CheckoutPayment row is locked, so whichever comes
first places the order and the other finds it. Nothing here reads the session.
"""

import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from shop.checkout.applicator import SurchargeApplicator
from shop.checkout.ordering import OrderCreator
from shop.checkout.selectors import order_payment_details_get
from shop.partner.models import InsufficientStock, StockRecord
from shop.payments.gateways import gateway_for
from shop.payments.models import CheckoutPayment
from shop.payments.services import (
    EventKind,
    payment_event_record,
    payment_event_total,
    payment_source_create,
)
from shop.payments.types import (
    PaymentDeclined,
    PaymentError,
    PaymentRequest,
    PaymentStatus,
)

logger = logging.getLogger(__name__)

Applicator = get_class("offer.applicator", "Applicator")
Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
Order = get_model("order", "Order")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Repository = get_class("shipping.repository", "Repository")
Selector = get_class("partner.strategy", "Selector")

Status = CheckoutPayment.Status
Method = CheckoutPayment.Method

ADDRESS_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
    "country_id",
    "phone_number",
    "notes",
]


class CheckoutRefused(Exception):
    """The order cannot be placed; the message is for the shopper."""


def basket_fingerprint(*, basket) -> list[list[int]]:
    return sorted(
        [line.product_id, line.quantity, line.stockrecord_id or 0]
        for line in basket.all_lines()
    )


def order_number_reserve(*, basket) -> str:
    """Return the basket's order number (Oscar's generator: one basket, one number)."""
    generator = get_class("order.utils", "OrderNumberGenerator")()
    return str(generator.order_number(basket))


def checkout_submission_snapshot(
    *, user, basket, shipping_address, shipping_method, guest_email: str
) -> dict:
    """Freeze what is needed to place the order later without the session."""
    address = {}
    for name in ADDRESS_FIELDS:
        value = getattr(shipping_address, name, "")
        address[name] = str(value) if value not in (None, "") else ""
    return {
        "user_id": user.pk if user.is_authenticated else None,
        "guest_email": guest_email or "",
        "shipping_address": address,
        "shipping_method": shipping_method.code,
        "store_id": getattr(getattr(shipping_method, "store", None), "pk", None),
        "basket": basket_fingerprint(basket=basket),
        "language": translation.get_language() or "fr",
    }


def checkout_payment_prepare(
    *, order_number: str, method: str, basket, snapshot: dict, amount: Decimal
) -> CheckoutPayment:
    """Create (or reopen after a failure) the payment record of an order number."""
    with transaction.atomic():
        payment, created = CheckoutPayment.objects.select_for_update().get_or_create(
            order_number=order_number,
            defaults={
                "method": method,
                "amount": amount,
                "currency": basket.currency,
                "basket_id": basket.pk,
                "submission": snapshot,
            },
        )
        if created or payment.status == Status.PLACED:
            return payment
        if payment.status == Status.PENDING and payment.reference:
            # An earlier attempt still holds money: let it go before a new one.
            _intent_release(payment)
        payment.method = method
        payment.amount = amount
        payment.currency = basket.currency
        payment.submission = snapshot
        payment.status = Status.PENDING
        payment.reference = None
        payment.attention_reason = ""
        payment.save()
        return payment


def _intent_release(payment: CheckoutPayment) -> None:
    try:
        gateway_for(payment.method).cancel(payment.reference)
    except PaymentError:
        logger.info("Intent %s was not cancellable", payment.reference)


def basket_for_placement(*, payment: CheckoutPayment, user, basket=None):
    """The checkout's basket with strategy and offers, loaded in few queries.

    The browser passes its request basket (already priced); the webhook loads
    it from the database with the lines' stock records prefetched.
    """
    if basket is not None and basket.pk == payment.basket_id:
        return basket
    basket = Basket.objects.filter(pk=payment.basket_id).first()
    if basket is None or basket.status not in (Basket.OPEN, Basket.FROZEN):
        raise CheckoutRefused(_("Your basket was already ordered or has expired."))
    basket.strategy = Selector().strategy(user=user)
    basket_lines_prefetch(basket=basket)
    Applicator().apply(basket, user, None)
    return basket


def basket_lines_prefetch(*, basket) -> None:
    """Load what pricing, availability and allocation read per line, in bulk.

    Without it each line costs a stock-record and a product-class query every
    time the strategy or the stock guard looks at it.
    """
    lines = list(basket.all_lines())
    prefetch_related_objects(
        lines, "product__product_class", "product__parent__product_class"
    )
    prefetch_related_objects([line.product for line in lines], "stockrecords")
    prefetch_related_objects(
        [line.stockrecord for line in lines if line.stockrecord_id],
        "partner",
        "product__product_class",
        "product__parent__product_class",
        "product__stockrecords",
    )


def _checkout_load(payment: CheckoutPayment, basket=None):
    """Rebuild basket, address, shipping method and totals from the snapshot."""
    data = payment.submission
    user = None
    if data.get("user_id"):
        user = get_user_model().objects.filter(pk=data["user_id"]).first()
    basket = basket_for_placement(payment=payment, user=user, basket=basket)
    if basket.is_empty:
        raise CheckoutRefused(_("Your basket is empty."))
    if basket_fingerprint(basket=basket) != data["basket"]:
        raise CheckoutRefused(
            _("Your basket changed during payment; please check it and pay again.")
        )
    address = ShippingAddress(
        **{name: value for name, value in data["shipping_address"].items() if value}
    )
    methods = Repository().get_shipping_methods(basket, shipping_addr=address)
    method = next((m for m in methods if m.code == data["shipping_method"]), None)
    if method is None:
        raise CheckoutRefused(
            _("The delivery method you chose is no longer available for this basket.")
        )
    charge = method.calculate(basket)
    surcharges = SurchargeApplicator(
        None, {"payment_method": payment.method}
    ).get_applicable_surcharges(basket, shipping_charge=charge)
    total = OrderTotalCalculator().calculate(basket, charge, surcharges)
    if total.incl_tax != payment.amount or basket.currency != payment.currency:
        raise CheckoutRefused(
            _(
                "Your basket total changed during payment; please check it and "
                "pay again."
            )
        )
    return user, basket, address, method, charge, surcharges, total


def order_place(*, payment: CheckoutPayment, basket=None):
    """Place the order of a pending checkout payment, allocating stock under guard.

    Runs inside the caller's transaction; raises CheckoutRefused with a message
    for the shopper (stock gone, basket changed) and then nothing is written.
    """
    user, basket, address, method, charge, surcharges, total = _checkout_load(
        payment, basket
    )
    store_id = payment.submission.get("store_id")
    if store_id:
        # Click & collect: the goods leave the chosen store's shelves.
        records = {
            record.product_id: record
            for record in StockRecord.objects.filter(
                partner_id=store_id,
                product_id__in=[line.product_id for line in basket.all_lines()],
            )
        }
        for line in basket.all_lines():
            if line.product_id not in records:
                raise CheckoutRefused(
                    _("The store no longer stocks %(product)s.")
                    % {"product": line.product.get_title()}
                )
            line.stockrecord = records[line.product_id]
    try:
        with transaction.atomic():
            address.save()
            order = OrderCreator().place_order(
                basket=basket,
                total=total,
                shipping_method=method,
                shipping_charge=charge,
                user=user,
                shipping_address=address,
                order_number=payment.order_number,
                surcharges=surcharges,
                guest_email=payment.submission.get("guest_email", ""),
            )
    except InsufficientStock as error:
        title = error.stockrecord.product.get_title()
        raise CheckoutRefused(
            _(
                "Sorry, %(product)s is no longer available in the quantity you "
                "asked for. Nothing was charged; please update your basket."
            )
            % {"product": title}
        ) from error
    if user is not None:
        address_book_update(user=user, address=address)
    basket.submit()
    payment.order = order
    payment.status = Status.PLACED
    payment.save(update_fields=["order", "status", "updated"])
    payment_source_create(order=order, payment=payment)
    language = payment.submission.get("language") or "fr"
    transaction.on_commit(
        lambda: order_confirmation_send(order=order, language=language)
    )
    return order


def address_book_update(*, user, address) -> None:
    """Keep a customer's delivery address for next time, once per distinct address."""
    saved = user.addresses.filter(hash=address.generate_hash()).first()
    if saved is None:
        saved = UserAddress(user=user)
        address.populate_alternative_model(saved)
    saved.num_orders_as_shipping_address += 1
    saved.save()


def offline_checkout_place(*, payment: CheckoutPayment, basket=None):
    """Place a cash-on-delivery or pay-at-pickup order (no money moves yet)."""
    with transaction.atomic():
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


def _card_order_place(payment: CheckoutPayment, gateway, basket) -> str | None:
    """Place the order of an authorised intent; return a refusal message if not."""
    if payment.status != Status.PENDING or not payment.reference:
        return _("This payment was already closed; nothing more was charged.")
    intent = gateway.retrieve(payment.reference)
    if intent.status == PaymentStatus.FAILED:
        payment.status = Status.FAILED
        payment.save(update_fields=["status", "updated"])
        return intent.error or _("Your card was declined; nothing was charged.")
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
                )
                return
            reason = _(
                "The card payment could not be captured (status %(status)s)."
            ) % {"status": result.status}
        payment.status = Status.NEEDS_ATTENTION
        payment.attention_reason = reason
        payment.save(update_fields=["status", "attention_reason", "updated"])


def order_confirmation_send(*, order, language: str) -> None:
    """Email the order confirmation in the shopper's language."""
    with translation.override(language):
        context = {
            "order": order,
            "lines": order.lines.all(),
            "user": order.user,
            "site": Site.objects.get_current(),
            **order_payment_details_get(order=order),
        }
        try:
            if order.user_id:
                context["status_path"] = reverse(
                    "customer:order", kwargs={"order_number": order.number}
                )
            else:
                context["status_path"] = reverse(
                    "customer:anon-order",
                    kwargs={
                        "order_number": order.number,
                        "hash": order.verification_hash(),
                    },
                )
            context["status_url"] = True
        except NoReverseMatch:
            pass
        OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, context)
