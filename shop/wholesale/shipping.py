"""Delivery of a wholesale order: the price the quote named, nothing computed."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import Base
from oscar.core import prices

from shop.wholesale.strategy import QuotedPrices

WHOLESALE_DELIVERY_CODE = "wholesale-delivery"


class WholesaleDelivery(Base):
    """The delivery the office quoted (incoterm, city and price on the quote)."""

    code = WHOLESALE_DELIVERY_CODE
    name = _("Wholesale delivery, as quoted")
    description = _("Delivery as agreed in the quote.")

    def __init__(self, *, charge: Decimal):
        self.charge = charge

    def calculate(self, basket):
        return prices.Price(
            currency=basket.currency, excl_tax=self.charge, incl_tax=self.charge
        )


def wholesale_delivery_get(*, basket) -> WholesaleDelivery | None:
    """The quoted delivery of a basket priced from a quote, else None.

    The quote's delivery price travels with the basket's strategy, so order
    placement finds it without the intent having to carry it.
    """
    strategy = getattr(basket, "strategy", None)
    if not isinstance(strategy, QuotedPrices):
        return None
    return WholesaleDelivery(charge=strategy.delivery_price)
