"""Overrides oscar.apps.checkout.surcharges: adds the cash-on-delivery fee."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.surcharges import *  # noqa: F403
from oscar.apps.checkout.surcharges import BaseSurcharge
from oscar.core import prices


class CashOnDeliveryFee(BaseSurcharge):
    name = _("Cash on delivery fee")
    code = "cash-on-delivery-fee"

    def calculate(self, basket, **kwargs):
        fee = settings.COD_FEE
        return prices.Price(currency=basket.currency, excl_tax=fee, incl_tax=fee)


def surcharge_label(charge) -> str:
    """An order's surcharge named in the reader's language (the order keeps the
    name in the language it was placed in)."""
    if charge.code == CashOnDeliveryFee.code:
        return str(CashOnDeliveryFee.name)
    return charge.name
