"""Which payment methods a checkout can use, and why not the others."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from oscar.templatetags.currency_filters import currency

from shop.payments.models import CheckoutPayment
from shop.sales.context import Channel, Fulfilment, SalesContext

Method = CheckoutPayment.Method


@dataclass(frozen=True)
class PaymentOption:
    code: str
    label: str
    available: bool
    reason: str = ""
    fee: Decimal = Decimal("0.00")


def payment_options_get(
    *,
    context: SalesContext,
    shipping_method,
    country_code: str,
    total: Decimal,
    currency_code: str,
) -> list[PaymentOption]:
    """List the payment methods of a sales channel, each with its availability
    for this delivery and total."""
    collect = getattr(shipping_method, "is_click_and_collect", False)
    cod_reason = _cash_on_delivery_refusal(
        collect=collect,
        country_code=country_code,
        total=total,
        currency_code=currency_code,
    )
    if context.channel == Channel.WHOLESALE:
        # Wholesale orders come from accepted quotes, paid by transfer.
        return [
            PaymentOption(Method.BANK_TRANSFER, str(Method.BANK_TRANSFER.label), True),
            PaymentOption(Method.TERMS, str(Method.TERMS.label), True),
        ]
    if context.channel == Channel.IN_STORE:
        delivered = not (collect or getattr(shipping_method, "is_take_away", False))
        return [
            PaymentOption(Method.CASH, str(Method.CASH.label), True),
            PaymentOption(Method.CARD_TERMINAL, str(Method.CARD_TERMINAL.label), True),
            PaymentOption(Method.SPLIT, str(Method.SPLIT.label), True),
            PaymentOption(
                Method.CASH_ON_DELIVERY,
                str(Method.CASH_ON_DELIVERY.label),
                delivered and not cod_reason,
                cod_reason
                if delivered
                else _("Pay on delivery is only for goods delivered to an address."),
                settings.COD_FEE,
            ),
        ]
    return [
        PaymentOption(Method.CARD, str(Method.CARD.label), True),
        PaymentOption(
            Method.CASH_ON_DELIVERY,
            str(Method.CASH_ON_DELIVERY.label),
            not cod_reason,
            cod_reason,
            settings.COD_FEE,
        ),
        PaymentOption(
            Method.PAY_AT_PICKUP,
            str(Method.PAY_AT_PICKUP.label),
            collect,
            "" if collect else _("Pay at pickup is only for click & collect orders."),
        ),
    ]


def payment_option_default(*, options: list[PaymentOption], chosen: str = "") -> str:
    """The method to preselect: the shopper's earlier choice while it is still
    available, paying at the store for click & collect, otherwise the
    channel's first available method (card online, cash at a counter)."""
    available = [option.code for option in options if option.available]
    for code in (chosen, Method.PAY_AT_PICKUP):
        if code and code in available:
            return code
    return available[0] if available else ""


def _cash_on_delivery_refusal(
    *, collect: bool, country_code: str, total: Decimal, currency_code: str
) -> str:
    if collect:
        return _("Cash on delivery is for home delivery; pay at the store instead.")
    if country_code != "MA":
        return _("Cash on delivery is only possible for addresses in Morocco.")
    if total > settings.COD_MAX_AMOUNT:
        return _(
            "Cash on delivery is limited to orders up to %(cap)s; please pay by card."
        ) % {"cap": currency(settings.COD_MAX_AMOUNT, currency_code)}
    return ""


def order_payment_details_get(*, order) -> dict:
    """The payment record and, for click & collect, the store (with its hours)."""
    from shop.partner.models import Partner

    payment = CheckoutPayment.objects.filter(order=order).first()
    store = (
        Partner.objects.prefetch_related("opening_periods")
        .filter(
            order_origins__order=order,
            order_origins__fulfilment=Fulfilment.COLLECT,
        )
        .first()
    )
    return {"checkout_payment": payment, "collect_store": store}


def collect_stores_get(*, basket) -> list:
    """The pilot stores holding the whole basket, where it can be collected."""
    from shop.shipping.selectors import basket_pilot_stores_stocking

    stocking, _missing = basket_pilot_stores_stocking(basket=basket)
    return stocking
