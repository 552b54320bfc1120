"""Reads for listings and suggestions: engine results (or the database) + products."""

import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from catalog.models import Certification, Product
from catalog.selectors import translated
from search import engine
from search.forms import clean_search_text
from search.queries import (
    EngineAnswer,
    Hit,
    ProductQuery,
    SearchResults,
    Suggestion,
    engine_answer,
    listing_results,
    product_search_fallback,
    product_suggestions,
)
from search.services import category_path_chain, indexable_products
from shop.cache import (
    catalogue_cached,
    catalogue_cached_or_previous,
    catalogue_cached_per_product,
    products_shown,
)
from shop.sales.context import SalesContext

logger = logging.getLogger(__name__)

Category = get_model("catalogue", "Category")

# Listing answers kept for every shopper (cookie or not), so the engine is asked
# once per query and catalogue version. Only what shoppers commonly ask is kept:
# a stream of random queries must not push everything else out of the cache.
LISTING_CACHED_PAGES = 10
LISTING_CACHED_TEXT_LENGTH = 60
LISTING_CACHED_FILTER_VALUES = 8
# Answers are stored as builtins, not our classes, and under this name: change
# it with the fields of EngineAnswer or Hit, as a shared cache keeps the answers
# of the previous release (same catalogue version) across a deploy.
LISTING_CACHE_NAME = "listing-1"

# A cached answer is dropped as soon as the catalogue version moves; the expiry
# only bounds changes that send no signal (bulk updates).
AUTOCOMPLETE_CACHE_SECONDS = 60

# Letters a shopper may type either way: ligatures, and Arabic forms that the
# keyboard offers separately (alef maqsura/yeh, teh marbuta/heh, tatweel).
_FOLDED_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ى": "ي", "ة": "ه", "ـ": None})


@dataclass
class Listing:
    results: SearchResults
    cards: list = field(default_factory=list)  # cms.selectors.ProductCard

    @property
    def rows(self) -> list[tuple]:
        """Pair each product's card with its hit (highlight), in result order."""
        hits = {hit.product_id: hit for hit in self.results.hits}
        return [(card, hits[card.id]) for card in self.cards]


def product_cards_list(*, product_ids: list[int]) -> list[Product]:
    """Return products in the given order with what a result card shows.

    The number of queries is fixed, whatever the number of products.
    """
    valid_labels = Certification.objects.valid_on(timezone.localdate()).order_by(
        "scheme", "name"
    )
    products = (
        Product.objects.filter(pk__in=product_ids)
        .select_related("cooperative", "product_class")
        .prefetch_related(
            "images",
            "stockrecords__partner",
            Prefetch("certifications", queryset=valid_labels, to_attr="valid_labels"),
        )
    )
    by_id = {product.pk: product for product in products}
    return [by_id[pk] for pk in product_ids if pk in by_id]


def _listing_key_parts(query: ProductQuery) -> tuple | None:
    """Return what identifies a listing's answer, or None when it is not worth
    keeping."""
    filter_values = (
        len(query.categories)
        + len(query.labels)
        + len(query.regions)
        + len(query.cooperatives)
    )
    if (
        query.page > LISTING_CACHED_PAGES
        or len(query.text) > LISTING_CACHED_TEXT_LENGTH
        or filter_values > LISTING_CACHED_FILTER_VALUES
    ):
        return None
    # The engine ignores case (its analysers lowercase) and the form has
    # already collapsed spaces and sorted facet values.
    return (
        query.text.lower(),
        query.scope_category,
        query.categories,
        query.labels,
        query.regions,
        query.cooperatives,
        query.price_min,
        query.price_max,
        query.in_stock,
        query.cold_chain,
        query.store,
        query.sort,
        query.page,
        query.per_page,
        query.day.isoformat(),
        query.with_facets,
    )


def listing_answer_get(
    *, query: ProductQuery, sales_context: SalesContext
) -> EngineAnswer:
    """Return the engine's answer to a listing, from the cache when it has it;
    raise engine.SearchUnavailable when the engine cannot answer.

    Answers follow the catalogue version, which moves after every catalogue
    change and again once the index has caught up with it (search.services),
    so a new price or stock level shows on the next listing; requests arriving
    while that one asks the engine get the previous answer meanwhile. Answers
    without products are not kept: random text finds nothing, and its spelling
    suggestion may have been lost to an engine error. The answer is kept per
    language (Arabic and English shoppers search and read the titles of their
    language) and per pricing key: its price facet and sort follow the prices
    of the buyer it was asked for.
    """
    parts = _listing_key_parts(query)
    if parts is None:
        return engine_answer(query=query)
    stored = catalogue_cached_or_previous(
        LISTING_CACHE_NAME,
        *parts,
        compute=lambda: _answer_with_products(query),
        keep=lambda answer: bool(answer["hits"]),
        sales_context=sales_context,
    )
    hits = tuple(Hit(**hit) for hit in stored["hits"])
    return EngineAnswer(**{**stored, "hits": hits})


def _answer_with_products(query: ProductQuery) -> dict:
    answer = engine_answer(query=query)
    # The answer lists these products with their prices and stock: a sale of
    # one of them makes it stale, a sale of any other does not.
    products_shown(*(hit.product_id for hit in answer.hits))
    return asdict(answer)


def product_listing_get(*, query: ProductQuery, sales_context: SalesContext) -> Listing:
    """Search the engine, or the database when the engine fails; never raise."""
    try:
        results = listing_results(
            query=query,
            answer=listing_answer_get(query=query, sales_context=sales_context),
        )
    except engine.SearchPaused:
        # The timeout that started the pause was logged with its traceback.
        results = product_search_fallback(query=query)
    except engine.SearchUnavailable:
        logger.exception("Search engine unavailable; listing from the database")
        results = product_search_fallback(query=query)
    return Listing(
        results=results,
        cards=listing_cards_get(
            product_ids=results.product_ids, sales_context=sales_context
        ),
    )


def listing_cards_get(*, product_ids: list[int], sales_context: SalesContext) -> list:
    """Return the cards of these products, in order, priced for the context.

    Each card is kept until its product changes: a listing loads and prices
    only the products whose card the cache lacks (none, most of the time).
    """
    return _cards_get("listing-card", product_ids, sales_context)


def browsable_cards_get(*, product_ids: list[int], sales_context: SalesContext) -> list:
    """Like listing_cards_get, for ids a visitor's cookie holds (recently
    viewed products): products since withdrawn, and variants, get no card.
    Kept apart from the listings' cards, whose ids the engine already checked."""
    return _cards_get(
        "browsable-card",
        product_ids,
        sales_context,
        keep=lambda product: product.is_public and product.parent_id is None,
    )


def _cards_get(name, product_ids, sales_context, keep=lambda product: True) -> list:
    from cms.selectors import product_card_build

    strategy = get_class("partner.strategy", "Selector")().strategy(
        context=sales_context
    )

    def build(missing):
        return {
            product.pk: product_card_build(product=product, strategy=strategy)
            for product in product_cards_list(product_ids=missing)
            if keep(product)
        }

    cards = catalogue_cached_per_product(
        name, product_ids, compute=build, sales_context=sales_context
    )
    return [cards[pk] for pk in product_ids if cards.get(pk) is not None]


def title_words_match(text: str) -> Q:
    """Titles holding every word of text, in any order ("huile argan" finds
    "Huile d'argan"): what staff screens match when the engine cannot answer."""
    condition = Q()
    for word in text.split():
        # The staff member's language or French, as the shop's fallback reads.
        condition &= Q(title__icontains=word) | Q(title_fr__icontains=word)
    return condition


def ranked_product_ids_get(*, text: str, limit: int = 100) -> list[int] | None:
    """Return the ids of the products matching text, best first, as the storefront
    search ranks them (typos, synonyms, Arabic), or None when the engine cannot
    answer: staff screens then match titles in the database."""
    text, _notices = clean_search_text(text)
    if not text:
        return []
    query = ProductQuery(text=text, per_page=limit, with_facets=False)

    def ranked() -> list[int]:
        ids = [hit.product_id for hit in engine_answer(query=query).hits]
        # A product renamed, hidden or out of stock may rank otherwise.
        products_shown(*ids)
        return ids

    try:
        # Kept like listings: tills typing the same names, staff searching
        # again, do not each wait for the engine (seconds on the local one).
        return catalogue_cached_or_previous(
            "ranked-ids",
            text.casefold(),
            limit,
            compute=ranked,
            sales_context=None,
            keep=bool,
        )
    except engine.SearchUnavailable:
        logger.exception("Search engine unavailable; staff search by title only")
        return None


# Autocomplete.


@dataclass(frozen=True)
class Autocomplete:
    suggestions: list[Suggestion]
    degraded: bool = False  # the engine did not answer: no product suggestions


def fold(text: str) -> str:
    """Return text without case, accents or Arabic diacritics ("Kelâat" → "kelaat",
    "الأركان" → "الاركان"), for comparing what a shopper types with names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_FOLDED_LETTERS)


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", fold(text)))


def _full_slugs(slugs: dict[str, str]) -> dict[str, str]:
    """Map category paths to URL slugs ("huiles/huile-dargane") from their own slugs."""
    return {
        path: "/".join(slugs[up] for up in category_path_chain(path) if up in slugs)
        for path in slugs
    }


def _named_entries() -> list[tuple[Suggestion, tuple[str, ...]]]:
    """Load the cooperatives and categories a shopper can jump to, with their words.

    Only those with products in search, as the search page they lead to would
    otherwise be empty. A fixed number of queries, whatever the catalogue size.
    """
    # One row per cooperative and category in use: a few hundred at most.
    in_use = (
        indexable_products()
        .annotate(cooperative_label=translated("cooperative__name"))
        .values_list("cooperative_id", "cooperative_label", "categories__path")
        .distinct()
    )
    cooperatives: dict[int, str] = {}
    linked_paths = set()
    for cooperative_id, name, path in in_use:
        if cooperative_id:
            cooperatives[cooperative_id] = name
        if path:
            linked_paths.add(path)
    stocked = {up for path in linked_paths for up in category_path_chain(path)}
    rows = list(
        Category.objects.filter(is_public=True, ancestors_are_public=True)
        .annotate(label=translated("name"))
        .values_list("pk", "label", "slug", "path")
    )
    full_slugs = _full_slugs({path: slug for _pk, _name, slug, path in rows})
    entries = [
        (Suggestion("cooperative", pk, name), _words(name))
        for pk, name in cooperatives.items()
    ]
    entries += [
        (Suggestion("category", pk, name, full_slugs[path]), _words(name))
        for pk, name, _slug, path in rows
        if path in stocked
    ]
    return entries


def _match_start(words: tuple[str, ...], typed: tuple[str, ...]) -> int | None:
    """Return where the typed words begin consecutive words of a name, or None."""
    for start in range(len(words) - len(typed) + 1):
        if all(words[start + i].startswith(part) for i, part in enumerate(typed)):
            return start
    return None


def name_suggestions_list(*, text: str, size: int = 6) -> list[Suggestion]:
    """Return cooperatives, then categories, with words starting as typed.

    Any word of a name may start the match ("tifa" → "Coopérative Tifaout");
    names matched from their first word come first.
    """
    typed = _words(text)
    if not typed:
        return []
    entries = catalogue_cached(
        "autocomplete-names", compute=_named_entries, sales_context=None
    )
    found: dict[str, list[tuple[bool, tuple[str, ...], Suggestion]]] = {}
    for suggestion, words in entries:
        start = _match_start(words, typed)
        if start is not None:
            found.setdefault(suggestion.kind, []).append((start > 0, words, suggestion))
    return [
        suggestion
        for kind in ("cooperative", "category")
        for _later, _name, suggestion in sorted(
            found.get(kind, []), key=lambda match: match[:2]
        )[:size]
    ]


def autocomplete_get(*, text: str, size: int = 6) -> Autocomplete:
    """Return suggestions for a prefix: products from the engine, cooperatives and
    categories from the database; never raise.

    Answers are cached per prefix until a product they name changes (its save,
    and again once the index has caught up with it: search.services) or what
    the catalogue is made of does, so a renamed or removed product leaves the
    suggestions with the next keystroke; a product that starts to match a
    prefix shows within AUTOCOMPLETE_CACHE_SECONDS. Answers without products
    (engine down) are not kept.
    """

    def compute() -> Autocomplete:
        names = name_suggestions_list(text=text, size=size)
        try:
            products = product_suggestions(text=text, size=size)
        except engine.SearchUnavailable:
            return Autocomplete(names, degraded=True)
        products_shown(*(suggestion.id for suggestion in products))
        return Autocomplete(products + names)

    # Suggestions name products, never their prices: one answer for every buyer.
    return catalogue_cached(
        "autocomplete",
        " ".join(text.split()).casefold(),
        size,
        compute=compute,
        sales_context=None,
        timeout=AUTOCOMPLETE_CACHE_SECONDS,
        keep=lambda answer: not answer.degraded,
    )
