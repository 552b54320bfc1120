"""Place orders: the one placement service of every channel.

The web checkout, the Stripe webhook reconciliation and the store counter all
record an order intent on a CheckoutPayment (`order_payment_prepare`), then
call `order_place` with the priced basket. The CheckoutPayment row is locked
by the callers, so a second "place order" or a webhook arriving with the
browser finds the order already placed. Nothing here reads the session.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from shop.checkout.applicator import SurchargeApplicator
from shop.checkout.ordering import OrderCreator
from shop.partner.models import InsufficientStock, StockRecord
from shop.payments.models import CheckoutPayment
from shop.payments.services import payment_sources_open
from shop.sales.context import Channel, Fulfilment, OrderIntent
from shop.sales.models import OrderOrigin
from shop.sales.tasks import order_confirmation_send_task
from shop.task_queue import enqueue_with_commit

logger = logging.getLogger(__name__)

Applicator = get_class("offer.applicator", "Applicator")
Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

Status = CheckoutPayment.Status

# Shipping address fields an intent carries (Oscar's ShippingAddress names).
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
# Order status right after placement: goods handed over at the counter are done;
# a wholesale order waits for its bank transfer (or its terms).
INITIAL_STATUS = {Fulfilment.TAKE_AWAY: "Complete"}
WHOLESALE_STATUS = "Awaiting payment"


class CheckoutRefused(Exception):
    """The order cannot be placed; the message is for the customer."""


class ConfirmationRefused(Exception):
    """The confirmation email cannot be sent again; the message is for staff."""


@dataclass(frozen=True)
class Tender:
    """One way part of an order is paid (a card, cash, a card terminal slip)."""

    method: str
    amount: Decimal
    reference: str = ""


def address_fields(address) -> dict[str, str]:
    """The intent's copy of a shipping address (an Oscar address or a form's)."""
    if address is None:
        return {}
    fields = {}
    for name in ADDRESS_FIELDS:
        value = getattr(address, name, "")
        fields[name] = str(value) if value not in (None, "") else ""
    return fields


def basket_fingerprint(*, basket) -> list[list[int]]:
    return sorted(
        [line.product_id, line.quantity, line.stockrecord_id or 0]
        for line in basket.all_lines()
    )


def order_payment_prepare(
    *, order_number: str, intent: OrderIntent, basket, amount: Decimal
) -> CheckoutPayment:
    """Record (or record again after a failure) what an order number will place.

    The amount is what the customer agreed to pay; placement refuses the order
    if the basket's total has moved since. Inside the caller's transaction it
    takes no savepoint: whatever fails here fails the caller's placement too.
    """
    with transaction.atomic(savepoint=False):
        payment = (
            CheckoutPayment.objects.select_for_update()
            .filter(order_number=order_number)
            .first()
        )
        if payment is None:
            payment = CheckoutPayment(order_number=order_number)
        elif payment.status == Status.PLACED:
            return payment
        elif payment.status == Status.PENDING and payment.reference:
            # An earlier attempt still holds money: let it go before a new one.
            _intent_release(payment)
        payment.intent_store(intent)
        payment.amount = amount
        payment.currency = basket.currency
        payment.basket_id = basket.pk
        payment.basket_lines = basket_fingerprint(basket=basket)
        payment.status = Status.PENDING
        payment.reference = None
        payment.attention_reason = ""
        try:
            with transaction.atomic():
                payment.save()
        except IntegrityError:
            # A second "place order" recorded it first: the caller finds it.
            return CheckoutPayment.objects.select_for_update().get(
                order_number=order_number
            )
        return payment


def _intent_release(payment: CheckoutPayment) -> None:
    from shop.payments.gateways import gateway_for
    from shop.payments.types import PaymentError

    try:
        gateway_for(payment.method).cancel(payment.reference)
    except PaymentError:
        logger.info("Intent %s was not cancellable", payment.reference)


def basket_for_placement(*, payment: CheckoutPayment, basket=None):
    """The payment's basket with strategy and offers, loaded in few queries.

    The browser passes its request basket (already priced); the webhook loads
    it from the database with the lines' stock records prefetched.
    """
    if basket is not None and basket.pk == payment.basket_id:
        return basket
    basket = Basket.objects.filter(pk=payment.basket_id).first()
    if basket is None or basket.status not in (Basket.OPEN, Basket.FROZEN):
        raise CheckoutRefused(_("Your basket was already ordered or has expired."))
    intent = payment.intent
    basket.strategy = Selector().strategy(user=intent.customer, context=intent.context)
    basket_lines_prefetch(basket=basket)
    Applicator().apply(basket, intent.customer, None)
    return basket


def basket_lines_prefetch(*, basket) -> None:
    """Load what pricing, availability and allocation read per line, in bulk.

    Without it each line costs a stock-record and a product-class query every
    time the strategy or the stock guard looks at it.
    """
    lines = list(basket.all_lines())
    prefetch_related_objects(
        lines,
        "product__product_class",
        "product__parent__product_class",
        "product__stockrecords",
    )
    for line in lines:
        if line.stockrecord_id and line.stockrecord.product_id == line.product_id:
            # The record's product is the line's, loaded above: the lookups
            # below then find it complete instead of loading a second copy.
            line.stockrecord.product = line.product
    prefetch_related_objects(
        [line.stockrecord for line in lines if line.stockrecord_id],
        "partner",
        "product__product_class",
        "product__parent__product_class",
        "product__stockrecords",
    )


def delivery_method_get(*, intent: OrderIntent, basket, address):
    """The shipping method the intent names, if it can still carry this basket."""
    from shop.shipping.selectors import basket_stock_reread, delivery_methods_get

    basket_stock_reread(basket=basket)
    methods = delivery_methods_get(
        basket=basket, address=address, context=intent.context
    )
    return next((m for m in methods if m.code == intent.delivery.method_code), None)


def _lines_source(basket, intent: OrderIntent) -> None:
    """Point each line at the stock its goods leave from.

    Goods collected or taken away leave the store's shelf; goods delivered
    leave a warehouse, even when a counter priced them from its shelf.
    """
    lines = list(basket.all_lines())
    store = intent.delivery.store
    if store is not None:
        records = {
            record.product_id: record
            for record in StockRecord.objects.select_related(
                "partner", "product__product_class", "product__parent__product_class"
            ).filter(partner=store, product_id__in=[line.product_id for line in lines])
        }
        for line in lines:
            if line.product_id not in records:
                raise CheckoutRefused(
                    _("The store no longer stocks %(product)s.")
                    % {"product": line.product.get_title()}
                )
            line.stockrecord = records[line.product_id]
        return
    strategy = basket.strategy
    for line in lines:
        if line.stockrecord is not None and not line.stockrecord.partner.is_store:
            continue
        record = strategy.warehouse_stockrecord(line.product)
        if record is None:
            raise CheckoutRefused(
                _("%(product)s cannot be delivered from our warehouses.")
                % {"product": line.product.get_title()}
            )
        line.stockrecord = record


def _basket_check(basket, payment: CheckoutPayment) -> None:
    if basket.is_empty:
        raise CheckoutRefused(_("Your basket is empty."))
    if basket_fingerprint(basket=basket) != payment.basket_lines:
        raise CheckoutRefused(
            _("Your basket changed during payment; please check it and pay again.")
        )


def order_place(
    *, payment: CheckoutPayment, basket=None, tenders: list[Tender] | None = None
):
    """Place the order a payment record holds the intent of, stock under guard.

    Runs inside the caller's transaction (which locks the payment row); raises
    CheckoutRefused with a message for the customer (stock gone, basket or
    total changed) and then nothing is written. `tenders` are the ways the
    order is paid (one Oscar payment source each); by default the payment
    record's method for the whole amount.
    """
    intent = payment.intent
    basket = basket_for_placement(payment=payment, basket=basket)
    _basket_check(basket, payment)
    address = (
        ShippingAddress(**{k: v for k, v in intent.delivery.address.items() if v})
        if intent.delivery.address
        else None
    )
    method = delivery_method_get(intent=intent, basket=basket, address=address)
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
    _lines_source(basket, intent)
    fulfilment = intent.delivery.fulfilment
    try:
        with transaction.atomic():
            if address is not None:
                address.save()
            order = OrderCreator().place_order(
                basket=basket,
                total=total,
                shipping_method=method,
                shipping_charge=charge,
                user=intent.customer,
                shipping_address=address,
                order_number=payment.order_number,
                surcharges=surcharges,
                guest_email=intent.guest_email,
                status=WHOLESALE_STATUS
                if intent.context.channel == Channel.WHOLESALE
                else INITIAL_STATUS.get(fulfilment),
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
    OrderOrigin.objects.create(
        order=order,
        channel=intent.context.channel,
        store=intent.context.store or intent.delivery.store,
        fulfilment=fulfilment,
        pickup_date=intent.delivery.pickup_date,
        placed_by=intent.placed_by,
        agent=intent.context.agent,
        quote_reference=intent.quote_reference,
        language=intent.language,
    )
    if intent.customer is not None and address is not None:
        address_book_update(user=intent.customer, address=address)
    basket.submit()
    payment.order = order
    payment.status = Status.PLACED
    payment.save(update_fields=["order", "status", "updated"])
    payment_sources_open(
        order=order,
        currency=payment.currency,
        tenders=tenders or [Tender(payment.method, payment.amount, payment.reference)],
    )
    if confirmation_emailed(intent.context.channel):
        confirmation_enqueue(order=order, language=intent.language)
    return order


def confirmation_emailed(channel: str) -> bool:
    """Whether orders of this channel get the confirmation email.

    The counter hands over (or emails) its own receipt, and a wholesale buyer
    gets the proforma invoice of the accepted quote instead.
    """
    return channel not in (Channel.IN_STORE, Channel.WHOLESALE)


def confirmation_enqueue(*, order, language: str) -> None:
    """Queue the order's confirmation email, sent once the order is committed."""
    enqueue_with_commit(
        order_confirmation_send_task, order_id=order.pk, language=language
    )


def confirmation_refusal(*, order, origin) -> str | None:
    """Why the order's confirmation cannot be sent again, if it cannot."""
    if origin is not None and not confirmation_emailed(origin.channel):
        return _("Orders of this channel get no confirmation email: %(channel)s.") % {
            "channel": origin.get_channel_display()
        }
    if not order.email:
        return _("This order has no email address to write to.")
    return None


def confirmation_resend(*, order) -> str:
    """Queue the confirmation email of an order again (its mail server was down,
    the customer lost it), in the language of its checkout; the address it goes
    to. Refused for orders that never get one."""
    origin = OrderOrigin.objects.filter(order=order).first()
    refusal = confirmation_refusal(order=order, origin=origin)
    if refusal is not None:
        raise ConfirmationRefused(refusal)
    language = (origin.language if origin else "") or settings.LANGUAGE_CODE
    confirmation_enqueue(order=order, language=language)
    return order.email


def address_book_update(*, user, address) -> None:
    """Keep a customer's delivery address for next time, once per distinct address."""
    saved = user.addresses.filter(hash=address.generate_hash()).first()
    if saved is None:
        saved = UserAddress(user=user)
        address.populate_alternative_model(saved)
    saved.num_orders_as_shipping_address += 1
    saved.save()


def order_confirmation_send(*, order, language: str) -> None:
    """Email the order confirmation in the customer's language."""
    from shop.checkout.selectors import order_payment_details_get

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
