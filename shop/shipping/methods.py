"""Overrides oscar.apps.shipping.methods: our three ways to get an order.

Prices are tax-inclusive MAD, like the catalogue.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import *  # noqa: F403
from oscar.apps.shipping.methods import Base, Free
from oscar.core import prices

from shop.sales.context import TAKE_AWAY_CODE

# (up to kg, price): the first band holding the basket weight applies.
DOMESTIC_BANDS = [
    (Decimal("2"), Decimal("35.00")),
    (Decimal("5"), Decimal("50.00")),
    (Decimal("10"), Decimal("80.00")),
    (Decimal("30"), Decimal("150.00")),
]
INTERNATIONAL_BANDS = [
    (Decimal("2"), Decimal("220.00")),
    (Decimal("5"), Decimal("380.00")),
    (Decimal("10"), Decimal("620.00")),
    (Decimal("30"), Decimal("1400.00")),
]
# Beyond the last band: its price plus this much per started kilogram.
EXTRA_KG_PRICE = {"domestic": Decimal("5.00"), "international": Decimal("45.00")}
REFRIGERATED_BASE = Decimal("60.00")
REFRIGERATED_PER_KG = Decimal("4.00")


def _price(basket, amount: Decimal) -> prices.Price:
    return prices.Price(currency=basket.currency, excl_tax=amount, incl_tax=amount)


class StandardDelivery(Base):
    """Home delivery by courier, priced by the basket's weight."""

    code = "standard"
    name = _("Standard home delivery")

    def __init__(self, *, weight: Decimal, domestic: bool = True):
        self.weight = weight
        self.domestic = domestic
        self.description = (
            _("Delivered to your door in 2 to 4 working days.")
            if domestic
            else _("International delivery, 5 to 10 working days.")
        )

    def calculate(self, basket):
        bands = DOMESTIC_BANDS if self.domestic else INTERNATIONAL_BANDS
        for limit, amount in bands:
            if self.weight <= limit:
                return _price(basket, amount)
        extra = EXTRA_KG_PRICE["domestic" if self.domestic else "international"]
        over = (self.weight - bands[-1][0]).to_integral_value(rounding="ROUND_CEILING")
        return _price(basket, bands[-1][1] + extra * over)


class RefrigeratedDelivery(Base):
    """Chilled delivery by our cold-chain trucks, in covered cities only."""

    code = "refrigerated"
    name = _("Refrigerated delivery")
    description = _("Kept between 2 and 6 °C until your door, next working day.")

    def __init__(self, *, weight: Decimal):
        self.weight = weight

    def calculate(self, basket):
        kilos = self.weight.to_integral_value(rounding="ROUND_CEILING")
        return _price(basket, REFRIGERATED_BASE + REFRIGERATED_PER_KG * kilos)


class ClickAndCollect(Free):
    """Free collection at a pilot store."""

    is_click_and_collect = True

    def __init__(self, *, store):
        self.store = store
        self.code = f"click-collect-{store.pk}"
        self.name = _("Click & collect at %(store)s") % {"store": store.name}
        self.description = ", ".join(
            part for part in (store.street_address, store.city) if part
        )


class TakeAway(Free):
    """Goods handed over at a pilot store's counter."""

    is_take_away = True
    code = TAKE_AWAY_CODE
    name = _("Taken away at the counter")

    def __init__(self, *, store):
        self.store = store
        self.description = store.name
