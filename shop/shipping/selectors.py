"""Which shipping methods a basket can use for an address, and why not the others."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from shop.partner.models import Partner, StockRecord
from shop.sales.context import Channel, SalesContext
from shop.shipping.methods import (
    ClickAndCollect,
    RefrigeratedDelivery,
    StandardDelivery,
    TakeAway,
)
from shop.shipping.models import ColdChainCity, normalise_city

DOMESTIC_COUNTRY = "MA"
# Product attributes giving the net weight in grams (catalogue product classes).
WEIGHT_ATTRIBUTES = ["weight_g", "volume_ml"]
# Kilograms assumed for a product without either attribute.
DEFAULT_ITEM_WEIGHT = Decimal("0.5")


@dataclass(frozen=True)
class ShippingOption:
    method: object
    available: bool
    reason: str = ""


@dataclass(frozen=True)
class BasketFacts:
    """What the shipping rules need to know about a basket, loaded in few queries."""

    quantities: dict[int, int]
    weight: Decimal
    cold_chain_titles: list[str]


def line_is_chilled(line) -> bool:
    """The line's product (or the product it is a variant of) needs the cold chain."""
    product = line.product
    return product.cold_chain or bool(product.parent_id and product.parent.cold_chain)


def _basket_memo(basket, name: str, compute):
    """compute() once per basket object while its lines stay the same.

    One checkout request asks for the shipping options several times (Oscar's
    session checks, the method, the order placement): each asking read the
    same weights and store stock again. A basket object lives one request;
    the order placement reads stock again (basket_stock_reread).
    """
    lines = tuple(
        (line.pk, line.product_id, line.quantity) for line in basket.all_lines()
    )
    memo = basket.__dict__.setdefault("_shipping_memo", {})
    if name not in memo or memo[name][0] != lines:
        memo[name] = (lines, compute())
    return memo[name][1]


def basket_facts_get(*, basket) -> BasketFacts:
    return _basket_memo(basket, "facts", lambda: _basket_facts_load(basket))


def _basket_facts_load(basket) -> BasketFacts:
    from oscar.core.loading import get_model

    attribute_value = get_model("catalogue", "ProductAttributeValue")
    lines = list(basket.all_lines())
    quantities: dict[int, int] = {}
    for line in lines:
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    grams: dict[int, int] = {}
    # Net weight in grams; liquids only state their volume (1 ml ≈ 1 g).
    for row in (
        attribute_value.objects.filter(
            product_id__in=quantities, attribute__code__in=WEIGHT_ATTRIBUTES
        )
        .order_by("attribute__code")  # weight_g before volume_ml
        .values_list("product_id", "value_integer")
    ):
        if row[1]:
            grams.setdefault(row[0], row[1])
    weight = sum(
        (
            (
                Decimal(grams[product_id]) / 1000
                if product_id in grams
                else DEFAULT_ITEM_WEIGHT
            )
            * quantity
            for product_id, quantity in quantities.items()
        ),
        Decimal("0"),
    )
    cold = [line.product.get_title() for line in lines if line_is_chilled(line)]
    return BasketFacts(quantities=quantities, weight=weight, cold_chain_titles=cold)


def cold_chain_city_covered(*, city: str) -> bool:
    wanted = normalise_city(city)
    return any(
        normalise_city(name) == wanted
        for name in ColdChainCity.objects.filter(is_active=True).values_list(
            "name", flat=True
        )
    )


def basket_pilot_stores_stocking(*, basket) -> tuple[list, list]:
    """pilot_stores_stocking for a basket's products, read once per request."""
    return _basket_memo(
        basket,
        "stores",
        lambda: pilot_stores_stocking(
            quantities=basket_facts_get(basket=basket).quantities
        ),
    )


def basket_stock_reread(*, basket) -> None:
    """Make the next asking read store stock again: placing the order, another
    buyer may have taken the last unit since the checkout's first asking."""
    basket.__dict__.get("_shipping_memo", {}).pop("stores", None)


def pilot_stores_stocking(*, quantities: dict[int, int]) -> tuple[list, list]:
    """Split pilot stores into those holding every product in the basket and not."""
    stores = list(
        Partner.objects.filter(kind=Partner.Kind.PILOT_STORE).order_by("name")
    )
    free: dict[tuple[int, int], int] = {}
    for record in StockRecord.objects.filter(
        partner__in=stores, product_id__in=quantities
    ).only("partner_id", "product_id", "num_in_stock", "num_allocated"):
        free[(record.partner_id, record.product_id)] = record.net_stock_level
    stocking, missing = [], []
    for store in stores:
        complete = all(
            free.get((store.pk, product_id), 0) >= quantity
            for product_id, quantity in quantities.items()
        )
        (stocking if complete else missing).append(store)
    return stocking, missing


def shipping_options_get(*, basket, address=None) -> list[ShippingOption]:
    """Every shipping method, with availability and the reason when unavailable."""
    facts = basket_facts_get(basket=basket)
    country = getattr(address, "country_id", None) or DOMESTIC_COUNTRY
    domestic = country == DOMESTIC_COUNTRY
    city = getattr(address, "line4", "") or ""
    options = []
    stocking, missing = basket_pilot_stores_stocking(basket=basket)

    standard = StandardDelivery(weight=facts.weight, domestic=domestic)
    if facts.cold_chain_titles:
        options.append(
            ShippingOption(
                standard,
                False,
                _(
                    "Not offered: your basket holds chilled products (%(products)s) "
                    "that must travel in refrigerated delivery."
                )
                % {"products": ", ".join(facts.cold_chain_titles)},
            )
        )
        refrigerated = RefrigeratedDelivery(weight=facts.weight)
        if not domestic:
            options.append(
                ShippingOption(
                    refrigerated,
                    False,
                    _("Chilled products are delivered only within Morocco."),
                )
            )
        elif address is not None and not cold_chain_city_covered(city=city):
            # Click & collect is a way out only where a store holds the basket.
            reason = (
                _(
                    "Our refrigerated trucks do not reach %(city)s yet; "
                    "choose click & collect or another address."
                )
                if stocking
                else _(
                    "Our refrigerated trucks do not reach %(city)s yet; choose "
                    "another address, or take the chilled products out of your "
                    "basket."
                )
            )
            options.append(ShippingOption(refrigerated, False, reason % {"city": city}))
        else:
            options.append(ShippingOption(refrigerated, True))
    else:
        options.append(ShippingOption(standard, True))

    options.extend(ShippingOption(ClickAndCollect(store=s), True) for s in stocking)
    options.extend(
        ShippingOption(
            ClickAndCollect(store=store),
            False,
            _("This store does not have every product of your basket in stock."),
        )
        for store in missing
    )
    return options


def delivery_methods_get(*, basket, address, context: SalesContext) -> list:
    """The shipping methods a basket can use in a sales context.

    At a counter: take away now or reserve for later at that store (its shelf
    stock is checked when the order is placed), or the home deliveries the
    online rules allow for the address. A basket priced from a wholesale
    quote travels as the quote says.
    """
    if context.channel == Channel.WHOLESALE:
        from shop.wholesale.shipping import wholesale_delivery_get

        quoted = wholesale_delivery_get(basket=basket)
        if quoted is not None:
            return [quoted]
    if context.channel != Channel.IN_STORE:
        return [
            option.method
            for option in shipping_options_get(basket=basket, address=address)
            if option.available
        ]
    methods = [TakeAway(store=context.store), ClickAndCollect(store=context.store)]
    if address is not None:
        methods.extend(
            option.method
            for option in shipping_options_get(basket=basket, address=address)
            if option.available
            and not getattr(option.method, "is_click_and_collect", False)
        )
    return methods
