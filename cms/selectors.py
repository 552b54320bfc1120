"""Reads for the showcase pages: live catalogue data shaped for templates.

Each selector loads what a page needs in a fixed number of queries, then builds
small dataclasses, so page renders keep a bounded query count.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_class

from catalog import renditions
from catalog.models import Certification, Cooperative, Product
from cms import models as pages
from shop.partner.models import OpeningPeriod, Partner, StockRecord


@dataclass(frozen=True)
class ProductCard:
    id: int
    title: str
    url: str
    cooperative_name: str
    price: Decimal | None
    currency: str
    is_available: bool
    labels: tuple[str, ...] = ()  # short quality label names ("IGP", "Bio")
    is_parent: bool = False
    image: renditions.Picture | None = None


@dataclass(frozen=True)
class CooperativeShowcase:
    cooperative: Cooperative
    labels: list[Certification]


@dataclass(frozen=True)
class CooperativeCard:
    cooperative: Cooperative
    page: "pages.CooperativePage | None"


@dataclass(frozen=True)
class OpeningDay:
    weekday: int
    label: str
    periods: list[tuple[datetime.time, datetime.time]] = field(default_factory=list)


@dataclass(frozen=True)
class StoreInfo:
    partner_id: int
    name: str
    city: str
    address: str
    phone: str
    opening_days: list[OpeningDay]
    is_open_now: bool


def strategy_for(request):
    """Return the request's pricing strategy (set by Oscar) or the default one."""
    strategy = getattr(request, "strategy", None)
    if strategy is None:
        strategy = get_class("partner.strategy", "Selector")().strategy()
    return strategy


def _public_products():
    return (
        Product.objects.filter(is_public=True)
        .select_related(
            "cooperative",
            "parent__cooperative",
            "product_class",
            "parent__product_class",
        )
        .prefetch_related("stockrecords", "images", _valid_labels())
    )


def _valid_labels() -> Prefetch:
    return Prefetch(
        "certifications",
        queryset=Certification.objects.valid_on(timezone.localdate()).order_by(
            "scheme", "name"
        ),
        to_attr="valid_labels",
    )


def _short_labels(product) -> tuple[str, ...]:
    """Return the card's label names: the scheme without its explanation."""
    labels = getattr(product, "valid_labels", ())
    names = (str(label.get_scheme_display()).split(" (")[0] for label in labels)
    return tuple(dict.fromkeys(names))


def _picture(product) -> renditions.Picture | None:
    image = product.primary_image()
    if isinstance(image, dict):
        return None
    return renditions.picture_get(image.original.name)


def product_card_build(*, product, strategy) -> ProductCard:
    """Return the card of a product loaded with its stock, images and labels."""
    info = (
        strategy.fetch_for_parent(product)
        if product.is_parent
        else strategy.fetch_for_product(product)
    )
    price = info.price
    amount = None
    if price.exists:
        amount = price.incl_tax if price.is_tax_known else price.excl_tax
    cooperative = product.get_cooperative()
    return ProductCard(
        id=product.pk,
        title=product.get_title(),
        url=product.get_absolute_url(),
        image=_picture(product),
        cooperative_name=cooperative.name if cooperative else "",
        price=amount,
        currency=price.currency or "",
        is_available=info.availability.is_available_to_buy,
        labels=_short_labels(product),
        is_parent=product.is_parent,
    )


def product_cards_get(
    *, product_ids: Sequence[int], strategy, available_only: bool = True
) -> list[ProductCard]:
    """Return cards for the given products in the given order.

    Unknown, deleted or non-public products are skipped; so are products that
    cannot be bought right now unless ``available_only`` is false.
    """
    ids = [pk for pk in product_ids if pk]
    products = _public_products().in_bulk(ids)
    cards = [
        product_card_build(product=products[pk], strategy=strategy)
        for pk in ids
        if pk in products
    ]
    return [card for card in cards if card.is_available or not available_only]


def product_first_available_id(*, strategy) -> int | None:
    """Return the id of some product that can be bought now (for block previews)."""
    for product in _public_products().exclude(structure=Product.CHILD)[:20]:
        if product_card_build(product=product, strategy=strategy).is_available:
            return product.pk
    return None


def cooperative_first_active_id() -> int | None:
    """Return the id of some active cooperative (for block previews)."""
    return Cooperative.objects.active().values_list("pk", flat=True).first()


def cooperative_showcase_get(
    *, cooperative_id: int, day: datetime.date | None = None
) -> CooperativeShowcase | None:
    """Return a cooperative with its labels valid on ``day``."""
    day = day or timezone.localdate()
    cooperative = (
        Cooperative.objects.filter(pk=cooperative_id)
        .prefetch_related(
            Prefetch(
                "certifications",
                queryset=Certification.objects.valid_on(day).order_by("scheme"),
                to_attr="valid_labels",
            )
        )
        .first()
    )
    if cooperative is None:
        return None
    return CooperativeShowcase(cooperative=cooperative, labels=cooperative.valid_labels)


def cooperative_product_cards_get(
    *, cooperative_id: int, strategy
) -> list[ProductCard]:
    """Return cards for a cooperative's live products, by title."""
    products = (
        _public_products()
        .filter(cooperative_id=cooperative_id)
        .exclude(structure=Product.CHILD)
        .order_by("title")
    )
    return [
        product_card_build(product=product, strategy=strategy) for product in products
    ]


def cooperative_cards_get(
    *, cooperative_ids: Sequence[int], language_code: str
) -> list[CooperativeCard]:
    """Return the given cooperatives in order with their page, skipping missing ones."""
    found = Cooperative.objects.in_bulk([pk for pk in cooperative_ids if pk])
    coop_pages = _cooperative_pages_by_cooperative(
        cooperative_ids=list(found), language_code=language_code
    )
    return [
        CooperativeCard(cooperative=found[pk], page=coop_pages.get(pk))
        for pk in cooperative_ids
        if pk in found
    ]


def _opening_days(partner) -> list[OpeningDay]:
    return [
        OpeningDay(
            weekday=weekday,
            label=label,
            periods=[
                (period.opens, period.closes)
                for period in partner.opening_periods.all()
                if period.weekday == weekday
            ],
        )
        for weekday, label in OpeningPeriod.Weekday.choices
    ]


def _store_info(partner, moment) -> StoreInfo:
    return StoreInfo(
        partner_id=partner.pk,
        name=partner.name,
        city=partner.city,
        address=partner.street_address,
        phone=partner.phone,
        opening_days=_opening_days(partner),
        is_open_now=partner.is_open_at(moment),
    )


def stores_get(
    *, partner_ids: Sequence[int], moment: datetime.datetime
) -> dict[int, StoreInfo]:
    """Return the pilot stores among ``partner_ids`` with their hours, by id."""
    partners = Partner.objects.filter(
        pk__in=partner_ids, kind=Partner.Kind.PILOT_STORE
    ).prefetch_related("opening_periods")
    return {partner.pk: _store_info(partner, moment) for partner in partners}


def store_products_available(*, partner_id: int, limit: int = 12) -> list[ProductCard]:
    """Return products with free stock in this store, priced from its stock."""
    records = (
        StockRecord.objects.filter(
            partner_id=partner_id,
            product__is_public=True,
            num_in_stock__gt=Coalesce(F("num_allocated"), 0),
        )
        .select_related(
            "product__cooperative",
            "product__parent__cooperative",
            "product__product_class",
        )
        .prefetch_related(
            "product__images",
            Prefetch(
                "product__certifications",
                queryset=Certification.objects.valid_on(timezone.localdate()),
                to_attr="valid_labels",
            ),
        )
        .order_by("product__title")[:limit]
    )
    cards = []
    for record in records:
        product = record.product
        cooperative = product.get_cooperative()
        cards.append(
            ProductCard(
                id=product.pk,
                title=product.get_title(),
                url=product.get_absolute_url(),
                image=_picture(product),
                cooperative_name=cooperative.name if cooperative else "",
                price=record.price,
                currency=record.price_currency,
                is_available=True,
                labels=_short_labels(product),
            )
        )
    return cards


@dataclass(frozen=True)
class StoreListing:
    page: "pages.StorePage"
    store: StoreInfo


def article_pages_latest(*, locale, limit: int = 3):
    """Return the latest live articles of a locale, newest first."""
    return list(
        pages.ArticlePage.objects.live()
        .filter(locale=locale)
        .select_related("hero_image")
        .order_by("-date", "-pk")[:limit]
    )


def article_pages_list(*, parent, kind: str = ""):
    """Return the live articles under an index, newest first, optionally of a kind."""
    articles = (
        pages.ArticlePage.objects.child_of(parent)
        .live()
        .select_related("hero_image")
        .order_by("-date", "-pk")
    )
    return articles.filter(kind=kind) if kind else articles


def store_pages_directory(*, locale, moment: datetime.datetime) -> list[StoreListing]:
    """Return the live store pages of a locale with their store's hours."""
    store_pages = list(
        pages.StorePage.objects.live().filter(locale=locale).order_by("title")
    )
    stores = stores_get(
        partner_ids=[page.partner_id for page in store_pages], moment=moment
    )
    return [
        StoreListing(page=page, store=stores[page.partner_id])
        for page in store_pages
        if page.partner_id in stores
    ]


def cooperative_pages_filter(
    *, parent, region: str = "", scheme: str = "", day: datetime.date | None = None
):
    """Return the live cooperative pages under ``parent`` by region and valid label."""
    day = day or timezone.localdate()
    result = (
        pages.CooperativePage.objects.child_of(parent)
        .live()
        .select_related("cooperative", "hero_image")
        .order_by("title")
    )
    if region:
        result = result.filter(cooperative__region=region)
    if scheme:
        labelled = Certification.objects.valid_on(day).filter(scheme=scheme)
        result = result.filter(
            cooperative__in=labelled.values("cooperative_id")
        ).distinct()
    return list(result)


def _cooperative_pages_by_cooperative(*, cooperative_ids, language_code):
    """Map cooperative ids to their live page, in the language when translated."""
    candidates = (
        pages.CooperativePage.objects.live()
        .filter(cooperative_id__in=cooperative_ids)
        .select_related("locale")
    )
    found = {}
    for page in candidates:
        if (
            page.cooperative_id not in found
            or page.locale.language_code == language_code
        ):
            found[page.cooperative_id] = page
    return found


def cooperative_page_get(*, cooperative_id: int, language_code: str):
    """Return the live page of a cooperative, in the language if translated."""
    return _cooperative_pages_by_cooperative(
        cooperative_ids=[cooperative_id], language_code=language_code
    ).get(cooperative_id)


def menu_pages_get(*, home):
    """Return the pages a locale's home shows in the main menu."""
    if home is None:
        return []
    return list(home.get_children().live().in_menu().specific())
