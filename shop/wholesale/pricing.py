"""What a company's buyers pay: pack sizes, minimum orders, volume tiers and
the company's negotiated prices; and the wholesale catalogue they browse.

Load then compute: `offers_get` reads the tiers of every product asked for in
one query and the company's negotiated prices in another, then builds plain
offers without going back to the database.

Volume tiers are set in MAD (the office's price list). A company quoted in
another currency (an importer in EUR) sees them for reference only: what
applies to it is its negotiated price, else the price the office quotes.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Product
from search.selectors import ranked_product_ids_get, title_words_match
from shop.partner.models import Partner, StockRecord
from shop.wholesale.models import PriceListItem, PriceTier

TIERS_CURRENCY = "MAD"


class Tier(NamedTuple):
    """From `min_packs` packs on, each unit costs `unit_price` (MAD)."""

    min_packs: int
    unit_price: Decimal


@dataclass(frozen=True)
class TierRange:
    """A tier as buyers read it: 1–9 packs, 10–49 packs, 50 packs and more."""

    min_packs: int
    max_packs: int | None
    unit_price: Decimal


@dataclass(frozen=True)
class Offer:
    """What a company's buyers are offered for one product."""

    product_id: int
    pack_size: int  # units per pack
    moq_units: int  # the minimum order, in units
    tiers: tuple[Tier, ...]  # by threshold, prices in MAD
    company_price: Decimal | None  # negotiated unit price, in `currency`
    currency: str  # the company's quote currency

    tiers_currency = TIERS_CURRENCY

    @property
    def moq_packs(self) -> int:
        """Return the fewest whole packs that reach the minimum order."""
        return max(-(-self.moq_units // self.pack_size), 1)

    @property
    def tiers_apply(self) -> bool:
        """Tell whether the volume tiers are prices this company can be quoted."""
        return self.currency == TIERS_CURRENCY

    @property
    def tier_ranges(self) -> list[TierRange]:
        ranges = []
        for index, tier in enumerate(self.tiers):
            following = self.tiers[index + 1] if index + 1 < len(self.tiers) else None
            ranges.append(
                TierRange(
                    min_packs=tier.min_packs,
                    max_packs=following.min_packs - 1 if following else None,
                    unit_price=tier.unit_price,
                )
            )
        return ranges

    @property
    def best_tier(self) -> Tier | None:
        """Return the tier with the biggest volume (the lowest price)."""
        return self.tiers[-1] if self.tiers else None

    def tier_price(self, packs: int) -> Decimal | None:
        """Return the tier's unit price for that many packs (MAD), if one covers it."""
        price = None
        for tier in self.tiers:
            if tier.min_packs > packs:
                break
            price = tier.unit_price
        return price

    def unit_price(self, packs: int) -> Decimal | None:
        """Return the unit price in the company's currency, if one is known."""
        if self.company_price is not None:
            return self.company_price
        return self.tier_price(packs) if self.tiers_apply else None


def _pack_size(product) -> int:
    return max(product.wholesale_pack_size or 1, 1)


def offers_get(*, products: Iterable[Product], company) -> dict[int, Offer]:
    """Return each product's offer to a company, by product id, in two queries."""
    products = list(products)
    ids = [product.pk for product in products]
    tiers: dict[int, list[Tier]] = {pk: [] for pk in ids}
    for product_id, min_packs, unit_price in (
        PriceTier.objects.filter(product_id__in=ids)
        .order_by("product_id", "min_packs")
        .values_list("product_id", "min_packs", "unit_price")
    ):
        tiers[product_id].append(Tier(min_packs, unit_price))
    negotiated = dict(
        PriceListItem.objects.filter(company=company, product_id__in=ids)
        .order_by()
        .values_list("product_id", "unit_price")
    )
    return {
        product.pk: Offer(
            product_id=product.pk,
            pack_size=_pack_size(product),
            moq_units=max(product.minimum_order_quantity or 1, 1),
            tiers=tuple(tiers[product.pk]),
            company_price=negotiated.get(product.pk),
            currency=company.currency,
        )
        for product in products
    }


def wholesale_offer_get(*, product, company) -> Offer:
    """Return one product's offer to a company."""
    return offers_get(products=[product], company=company)[product.pk]


def offers_for_ids_get(*, product_ids: Sequence[int], company) -> dict[int, Offer]:
    """Return the offers of products known by id (listing cards), skipping
    unknown ids and parents (their variants are what is offered)."""
    products = (
        orderable_products()
        .filter(pk__in=list(product_ids))
        .only("pk", "wholesale_pack_size", "minimum_order_quantity")
    )
    return offers_get(products=products.order_by(), company=company)


def unit_price_for(*, product, company, packs: int) -> Decimal | None:
    """Return the unit price a company is offered for that many packs.

    Its negotiated price first, else the volume tier for that many packs (for
    companies quoted in MAD), else None: the office prices it by hand.
    """
    return wholesale_offer_get(product=product, company=company).unit_price(packs)


# Products by SKU (the product's UPC, which is also its stock records' SKU).


def orderable_products():
    """Products a wholesale line can hold: public, and not a parent (its
    variants are what is bought)."""
    return Product.objects.filter(is_public=True).exclude(structure=Product.PARENT)


def products_for_skus_get(*, skus: Iterable[str]) -> dict[str, Product]:
    """Return orderable products by SKU (case folded), in one query."""
    wanted = {sku.casefold() for sku in skus if sku}
    if not wanted:
        return {}
    matches = Q()
    for sku in wanted:
        matches |= Q(upc__iexact=sku)
    found = {}
    for product in orderable_products().filter(matches).order_by():
        found[product.upc.casefold()] = product
    return found


def product_for_sku_get(*, sku: str) -> Product | None:
    """Return the orderable product with this SKU, if any."""
    sku = sku.strip()
    return products_for_skus_get(skus=[sku]).get(sku.casefold())


# The wholesale catalogue.

CATALOGUE_PAGE_SIZE = 25
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class CatalogueFilters:
    text: str = ""
    category: object | None = None  # a catalogue Category
    cooperative: object | None = None  # a Cooperative
    in_stock: bool = False


@dataclass(frozen=True)
class CatalogueRow:
    product: Product
    sku: str
    offer: Offer
    in_stock: bool


@dataclass
class CataloguePage:
    rows: list[CatalogueRow]
    page: object  # the paginator's page
    degraded: bool = False  # the search engine did not answer: titles only


def _warehouse_stock():
    """Stock records a wholesale order can be served from, with free stock;
    cold-chain products only from cold storage."""
    free = Coalesce(F("num_allocated"), 0)
    cold = [Partner.Kind.COLD_WAREHOUSE]
    warehouses = [Partner.Kind.WAREHOUSE, Partner.Kind.COLD_WAREHOUSE]
    # A variant is cold-chain when it or its parent is.
    ambient = Q(product__cold_chain=False) & (
        Q(product__parent__isnull=True) | Q(product__parent__cold_chain=False)
    )
    return StockRecord.objects.filter(num_in_stock__gt=free).filter(
        Q(partner__kind__in=cold) | (Q(partner__kind__in=warehouses) & ambient)
    )


@dataclass(frozen=True)
class TextMatch:
    condition: Q  # products matching the text
    ranking: dict[int, int] | None  # product id → rank, None when unranked
    degraded: bool  # the engine did not answer: titles and SKUs only

    def sort_key(self, text: str):
        """Order matches: an exact SKU first, then best ranked, then by title."""
        ranking = self.ranking or {}
        folded = text.casefold()

        def key(product):
            rank = ranking.get(product.pk, ranking.get(product.parent_id, len(ranking)))
            exact = (product.upc or "").casefold() == folded
            return (not exact, rank, product.get_title())

        return key


def text_match_get(*, text: str) -> TextMatch:
    """Match text as the storefront search ranks it (typos, synonyms, Arabic),
    a full SKU too; titles and SKUs in the database when the engine fails."""
    condition = Q(upc__iexact=text)
    ranked = ranked_product_ids_get(text=text, limit=SEARCH_LIMIT)
    if ranked is None:
        condition |= title_words_match(text) | Q(upc__icontains=text)
        return TextMatch(condition=condition, ranking=None, degraded=True)
    # The engine indexes parents: their variants match with them.
    condition |= Q(pk__in=ranked) | Q(parent_id__in=ranked)
    ranking = {pk: position for position, pk in enumerate(ranked)}
    return TextMatch(condition=condition, ranking=ranking, degraded=False)


def orderable_products_search(
    *, text: str, limit: int = 50
) -> tuple[list[Product], bool]:
    """Return orderable products matching text, best first (staff screens), and
    whether the engine failed."""
    match = text_match_get(text=text)
    products = orderable_products().filter(match.condition).select_related("parent")
    listed = sorted(products[: SEARCH_LIMIT * 2], key=match.sort_key(text))
    return listed[:limit], match.degraded


def catalogue_page_get(
    *, company, filters: CatalogueFilters, page_number=1
) -> CataloguePage:
    """Return one page of the wholesale catalogue with each product's offer.

    Text is searched as the storefront ranks it (typos, synonyms, Arabic); a
    SKU typed in full finds its product too. When the engine does not answer,
    titles and SKUs are matched in the database.
    """
    products = orderable_products().select_related("parent", "cooperative")
    match = None
    if filters.text:
        match = text_match_get(text=filters.text)
        products = products.filter(match.condition)
    if filters.category is not None:
        categories = filters.category.get_descendants_and_self()
        products = products.filter(
            Q(categories__in=categories) | Q(parent__categories__in=categories)
        )
    if filters.cooperative is not None:
        products = products.filter(cooperative=filters.cooperative)
    if filters.in_stock:
        products = products.filter(pk__in=_warehouse_stock().values("product_id"))
    products = products.distinct()
    if match is not None and match.ranking is not None:
        listed = sorted(products, key=match.sort_key(filters.text))
    else:
        listed = products.order_by("title", "pk")
    page = Paginator(listed, CATALOGUE_PAGE_SIZE).get_page(page_number)
    on_page = list(page.object_list)
    offers = offers_get(products=on_page, company=company)
    in_stock_ids = set(
        _warehouse_stock()
        .filter(product__in=[product.pk for product in on_page])
        .values_list("product_id", flat=True)
    )
    rows = [
        CatalogueRow(
            product=product,
            sku=product.upc or "",
            offer=offers[product.pk],
            in_stock=product.pk in in_stock_ids,
        )
        for product in on_page
    ]
    return CataloguePage(
        rows=rows, page=page, degraded=match is not None and match.degraded
    )


# Quick entry: "SKU packs" per line.

QUICK_ENTRY_MAX_LINES = 200
# Beyond this a typing slip is likelier than an order (and it must fit the
# database's integer).
QUICK_ENTRY_MAX_PACKS = 100_000
_SEPARATORS = re.compile(r"[\s;,]+")


@dataclass(frozen=True)
class EntryLine:
    number: int  # the line's number in what the buyer typed
    text: str
    product: Product | None = None
    packs: int | None = None
    error: str = ""


def quick_entry_parse(*, text: str, company) -> list[EntryLine]:
    """Read "SKU packs" lines: each gets its product and packs, or what is wrong.

    Packs must be a whole number reaching the product's minimum order; a SKU
    given twice is refused on its second line. Blank lines are skipped.
    """
    raw = [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ][:QUICK_ENTRY_MAX_LINES]
    split = [(number, line, _SEPARATORS.split(line)) for number, line in raw]
    products = products_for_skus_get(skus=[words[0] for _n, _l, words in split])
    offers = offers_get(products=products.values(), company=company)
    seen: dict[int, int] = {}
    entries = []
    for number, line, words in split:
        entries.append(_entry(number, line, words, products, offers, seen))
    return entries


def _entry(number, line, words, products, offers, seen) -> EntryLine:
    sku = words[0]
    product = products.get(sku.casefold())
    if product is None:
        return EntryLine(
            number, line, error=_("No product has the SKU “%(sku)s”.") % {"sku": sku}
        )
    if len(words) != 2:
        return EntryLine(
            number,
            line,
            product,
            error=_("Give the number of packs after the SKU, e.g. “%(sku)s 10”.")
            % {"sku": sku},
        )
    packs_text = words[1]
    if not packs_text.isdecimal() or int(packs_text) < 1:
        return EntryLine(
            number,
            line,
            product,
            error=_("“%(packs)s” is not a whole number of packs.")
            % {"packs": packs_text},
        )
    packs = int(packs_text)
    if packs > QUICK_ENTRY_MAX_PACKS:
        return EntryLine(
            number,
            line,
            product,
            error=_("That is more packs than one line can hold (at most %(max)s).")
            % {"max": QUICK_ENTRY_MAX_PACKS},
        )
    if product.pk in seen:
        return EntryLine(
            number,
            line,
            product,
            packs,
            error=_("%(sku)s is already on line %(line)s.")
            % {"sku": sku, "line": seen[product.pk]},
        )
    seen[product.pk] = number
    offer = offers[product.pk]
    if packs * offer.pack_size < offer.moq_units:
        return EntryLine(
            number,
            line,
            product,
            packs,
            error=ngettext(
                "%(sku)s: order at least %(packs)s pack (minimum order "
                "%(units)s units, %(size)s per pack).",
                "%(sku)s: order at least %(packs)s packs (minimum order "
                "%(units)s units, %(size)s per pack).",
                offer.moq_packs,
            )
            % {
                "sku": sku,
                "units": offer.moq_units,
                "packs": offer.moq_packs,
                "size": offer.pack_size,
            },
        )
    return EntryLine(number, line, product, packs)
