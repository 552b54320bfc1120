"""Who is buying, where: the sales context every price, cache and order follows.

One context is resolved per request (`shop.partner.strategy.Selector`) and passed
explicitly to what needs it: the strategy (prices and stock records), payment
options, the cache keys of anything showing prices or availability, and order
placement (through the order intent).
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("Online shop")
    IN_STORE = "in_store", _("Pilot store counter")
    WHOLESALE = "wholesale", _("Wholesale")
    AGENT = "agent", _("Sales agent")


class Fulfilment(models.TextChoices):
    DELIVERY = "delivery", _("Delivery to an address")
    COLLECT = "collect", _("Collected at a store")
    TAKE_AWAY = "take_away", _("Taken away at the counter")


@dataclass(frozen=True)
class Market:
    """Where the goods are sold: its country and the currency prices are in."""

    code: str
    currency: str


MOROCCO = Market(code="MA", currency="MAD")
# Importers in the EU are quoted in euros.
EUROPE = Market(code="EU", currency="EUR")
MARKETS = {market.code: market for market in (MOROCCO, EUROPE)}


@dataclass(frozen=True)
class SalesContext:
    channel: str = Channel.ONLINE
    market: Market = MOROCCO
    store: object | None = None  # a pilot-store Partner (the counter's store)
    agent: object | None = None  # the sales agent's user
    company: object | None = None  # the wholesale buyer's company

    @property
    def pricing_key(self) -> str:
        """Name what decides prices and availability in this context.

        Contexts with the same key see the same prices and stock figures, so
        they may share cached pages and fragments; any other may not. The agent
        is not part of it: agents sell at the shop's prices.
        """
        parts = [str(self.channel), self.market.code]
        if self.store is not None:
            parts.append(f"store{self.store.pk}")
        if self.company is not None:
            parts.append(f"company{self.company.pk}")
        return "-".join(parts)


ONLINE = SalesContext()


def in_store(store) -> SalesContext:
    """The context of a sale at a pilot store's counter."""
    return SalesContext(channel=Channel.IN_STORE, store=store)


def wholesale(company) -> SalesContext:
    """The context of a company's buyers: its prices, in its quote currency."""
    market = EUROPE if company.currency == EUROPE.currency else MOROCCO
    return SalesContext(channel=Channel.WHOLESALE, market=market, company=company)


@dataclass(frozen=True)
class Delivery:
    """How the customer gets the goods.

    `store` is where the goods are taken from the shelf (click & collect,
    reservation or take-away at a counter); `address` holds the shipping
    address fields (Oscar's ShippingAddress names), empty for a take-away.
    """

    method_code: str
    address: dict
    store: object | None = None
    pickup_date: date | None = None

    @property
    def fulfilment(self) -> str:
        if self.store is None:
            return Fulfilment.DELIVERY
        if self.method_code == TAKE_AWAY_CODE:
            return Fulfilment.TAKE_AWAY
        return Fulfilment.COLLECT


TAKE_AWAY_CODE = "take-away"


@dataclass(frozen=True)
class OrderIntent:
    """Everything order placement needs besides the basket, whatever the channel."""

    context: SalesContext
    customer: object | None  # the customer's user; None for guests and walk-ins
    delivery: Delivery
    payment_method: str
    language: str
    guest_email: str = ""
    placed_by: object | None = None  # the staff member who placed it for them
    quote_reference: str = ""  # the accepted quote it comes from
