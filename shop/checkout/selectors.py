"""Which payment methods a checkout can use, and why not the others."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from oscar.templatetags.currency_filters import currency

from shop.payments.models import CheckoutPayment

Method = CheckoutPayment.Method


@dataclass(frozen=True)
class PaymentOption:
    code: str
    label: str
    available: bool
    reason: str = ""
    fee: Decimal = Decimal("0.00")


def payment_options_get(
    *, shipping_method, country_code: str, total: Decimal, currency_code: str
) -> list[PaymentOption]:
    """List every payment method with its availability for this delivery and total."""
    collect = getattr(shipping_method, "is_click_and_collect", False)
    cap = settings.COD_MAX_AMOUNT
    if collect:
        cod_reason = _(
            "Cash on delivery is for home delivery; pay at the store instead."
        )
    elif country_code != "MA":
        cod_reason = _("Cash on delivery is only possible for addresses in Morocco.")
    elif total > cap:
        cod_reason = _(
            "Cash on delivery is limited to orders up to %(cap)s; please pay by card."
        ) % {"cap": currency(cap, currency_code)}
    else:
        cod_reason = ""
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


def order_payment_details_get(*, order) -> dict:
    """The payment record and, for click & collect, the store (with its hours)."""
    from shop.partner.models import Partner

    payment = CheckoutPayment.objects.filter(order=order).first()
    store_id = payment.submission.get("store_id") if payment else None
    store = (
        Partner.objects.prefetch_related("opening_periods").filter(pk=store_id).first()
        if store_id
        else None
    )
    return {"checkout_payment": payment, "collect_store": store}
