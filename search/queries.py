"""The one query builder: product searches, facets and autocomplete.

Callers (search page, category pages, autocomplete, staff screens) describe what
they want with a `ProductQuery` and get plain result objects back; nothing here
renders HTML or touches the request. User text only ever reaches the engine
through `match`/`multi_match` (never a query-string parser).
"""

import datetime
import html
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from catalog.models import Certification, Cooperative, Region
from catalog.selectors import translated
from search import engine
from search.documents import TRANSLATED_LANGUAGES
from search.engine import dsl
from search.services import index_alias, indexable_products
from shop.cache import catalogue_cached

PRICE_STEP = 0.005  # under the index's price resolution (1 centime)
Category = get_model("catalogue", "Category")

MAX_RESULT_WINDOW = 10_000  # the engine refuses to page deeper
# The fallback when no product has every word: three words out of four (one of
# two, two of three), rounded down.
MOST_WORDS = "75%"
MARK_START, MARK_END = "\x02", "\x03"  # escaped later, then turned into <mark>

SORT_RELEVANCE = "relevance"
SORT_PRICE_ASC = "price-asc"
SORT_PRICE_DESC = "price-desc"
SORT_NEWEST = "newest"
SORT_CHOICES = [
    (SORT_RELEVANCE, _("Relevance")),
    (SORT_PRICE_ASC, _("Price, low to high")),
    (SORT_PRICE_DESC, _("Price, high to low")),
    (SORT_NEWEST, _("Newest")),
]

PRICE_RANGES = [  # MAD; the facet offers these, the form accepts any bounds
    (None, Decimal(50)),
    (Decimal(50), Decimal(100)),
    (Decimal(100), Decimal(200)),
    (Decimal(200), Decimal(500)),
    (Decimal(500), None),
]


@dataclass(frozen=True)
class ProductQuery:
    """What a caller asks for; every field is already validated."""

    text: str = ""
    scope_category: int | None = None  # category page: it and its descendants
    categories: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    cooperatives: tuple[int, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    cold_chain: bool | None = None
    store: int | None = None  # in-store screens: stock at that pilot store
    sort: str = SORT_RELEVANCE
    page: int = 1
    per_page: int = 20
    today: datetime.date | None = None
    with_facets: bool = True

    @property
    def day(self) -> datetime.date:
        return self.today or timezone.localdate()


@dataclass
class Hit:
    product_id: int
    title: str
    highlight: str = ""  # safe HTML: escaped text with <mark> around matches


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str  # the query parameter
    label: str
    values: list[FacetValue]
    multiple: bool = True


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: list[Facet] = field(default_factory=list)
    suggestion: str = ""
    partial: bool = False
    degraded: bool = False
    took_ms: int | None = None

    @property
    def num_pages(self) -> int:
        return _num_pages(self.total, self.per_page)

    @property
    def product_ids(self) -> list[int]:
        return [hit.product_id for hit in self.hits]


@dataclass(frozen=True)
class EngineAnswer:
    """What the engine answered for a listing, as plain data that can be cached.

    Facet labels and products are not in it: they are read from the database
    (and translated) for each request.
    """

    hits: tuple[Hit, ...]
    total: int
    page: int  # the page served: the last one when the query asked beyond it
    aggregations: dict  # the engine's facet buckets, as returned
    suggestion: str = ""
    partial: bool = False  # no product has every word: most of them matched
    took_ms: int | None = None


def _num_pages(total: int, per_page: int) -> int:
    reachable = min(total, MAX_RESULT_WINDOW)
    return max(1, math.ceil(reachable / per_page))


@dataclass
class Suggestion:
    kind: str  # product, cooperative, category
    id: int
    label: str
    slug: str = ""


# Building blocks.


def _has_arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in text)


def shopper_language() -> str | None:
    """Return the active language when documents carry it besides French."""
    language = (get_language() or "").split("-")[0]
    return language if language in TRANSLATED_LANGUAGES else None


def _title_fields() -> list[str]:
    """Return the title fields a hit reads: the shopper's language, then French."""
    language = shopper_language()
    return [f"title_{language}", "title"] if language else ["title"]


def _hit_title(hit) -> str:
    return next(
        (getattr(hit, name) for name in _title_fields() if getattr(hit, name, "")),
        "",
    )


def _text_query(
    text: str, *, fuzzy: bool = False, most_words: bool = False
) -> dsl.query.Query:
    """All words must match in one field; title matches rank first, and among
    them the products the words name ("safran": the saffron before the green
    tea with saffron, "huile": the oils before the soap with olive oil).

    The engine pays for each clause with a pass over the field's text, and one
    `multi_match` costs it about one pass whatever its fields, so the matching
    is a single clause; the naming clause only adds to the score, on a field of
    one to three words. The first pass reads the Arabic sub-fields only for
    Arabic script; the second, broader pass (see `product_search`) adds typo
    tolerance and the Arabic analysis of any text ("m'gouna" keeps its form);
    the last one asks for most of the words only ("miel bio" when no honey is
    organic), products matching more of them first.
    """
    fields = ["title^4", "text"]
    if fuzzy or _has_arabic(text):
        fields += ["title.ar^2", "text.ar"]
    # Arabic and English shoppers also search the texts of their language;
    # French ones search exactly as before.
    languages = {shopper_language()} | ({"ar"} if _has_arabic(text) else set())
    for language in sorted(language for language in languages if language):
        fields += [f"title_{language}^4", f"text_{language}"]
    options = (
        {"fuzziness": "AUTO", "prefix_length": 1, "max_expansions": 20} if fuzzy else {}
    )
    matching = (
        {"operator": "or", "minimum_should_match": MOST_WORDS}
        if most_words
        else {"operator": "and"}
    )
    words = dsl.Q(
        "multi_match",
        query=text,
        fields=fields,
        type="most_fields" if most_words else "best_fields",
        **matching,
        **options,
    )
    naming = dsl.Q("match", title_head={"query": text, "boost": 2, **options})
    return dsl.Q("bool", must=[words], should=[naming])


def _label_valid(scheme: str, day: datetime.date) -> dsl.query.Query:
    iso = day.isoformat()
    return dsl.Q(
        "range",
        **{
            f"label_validity.{scheme}": {"gte": iso, "lte": iso, "relation": "contains"}
        },
    )


def _price_range(low: Decimal | None, high: Decimal | None) -> dsl.query.Query:
    bounds = {}
    if low is not None:
        bounds["gte"] = float(low)
    if high is not None:
        bounds["lte"] = float(high)
    return dsl.Q("range", price=bounds)


def _facet_filters(query: ProductQuery) -> dict[str, dsl.query.Query]:
    """One filter per facet the shopper narrowed (values within a facet are ORed)."""
    filters = {}
    if query.categories:
        filters["category"] = dsl.Q(
            "terms", category_ids=[str(pk) for pk in query.categories]
        )
    if query.labels:
        filters["label"] = dsl.Q(
            "bool",
            should=[_label_valid(s, query.day) for s in query.labels],
            minimum_should_match=1,
        )
    if query.regions:
        filters["region"] = dsl.Q("terms", region=list(query.regions))
    if query.cooperatives:
        filters["cooperative"] = dsl.Q(
            "terms", cooperative_id=[str(pk) for pk in query.cooperatives]
        )
    if query.price_min is not None or query.price_max is not None:
        filters["price"] = _price_range(query.price_min, query.price_max)
    if query.in_stock:
        filters["in_stock"] = dsl.Q("term", in_stock_online=True)
    if query.cold_chain is not None:
        filters["cold_chain"] = dsl.Q("term", cold_chain=query.cold_chain)
    return filters


def _scope_filters(query: ProductQuery) -> list[dsl.query.Query]:
    scope = []
    if query.scope_category:
        scope.append(dsl.Q("term", category_ids=str(query.scope_category)))
    if query.store:
        scope.append(dsl.Q("term", stores_in_stock=str(query.store)))
    return scope


def _facet_aggregations(query: ProductQuery, filters: dict) -> dict[str, dict]:
    """Each facet counts under every selected filter but its own (multi-select)."""

    def others(name):
        rest = [f for key, f in filters.items() if key != name]
        return dsl.Q("bool", filter=rest) if rest else dsl.Q("match_all")

    def wrap(name, inner):
        return {"filter": others(name).to_dict(), "aggs": {"values": inner}}

    day = query.day
    price_buckets = []
    for low, high in PRICE_RANGES:
        bucket = {"key": f"{low or ''}-{high or ''}"}
        if low is not None:
            bucket["from"] = float(low)
        if high is not None:
            # Buckets end inclusively, like the price filter they select.
            bucket["to"] = float(high) + PRICE_STEP
        price_buckets.append(bucket)
    return {
        "category": wrap("category", {"terms": {"field": "category_ids", "size": 40}}),
        "label": wrap(
            "label",
            {
                "filters": {
                    "filters": {
                        scheme: _label_valid(scheme, day).to_dict()
                        for scheme in Certification.Scheme.values
                    }
                }
            },
        ),
        "region": wrap("region", {"terms": {"field": "region", "size": 12}}),
        "cooperative": wrap(
            "cooperative", {"terms": {"field": "cooperative_id", "size": 20}}
        ),
        "price": wrap("price", {"range": {"field": "price", "ranges": price_buckets}}),
        "in_stock": wrap("in_stock", {"filter": {"term": {"in_stock_online": True}}}),
        "cold_chain": wrap("cold_chain", {"terms": {"field": "cold_chain"}}),
    }


def _sort(query: ProductQuery) -> list:
    tiebreak = [
        {"in_stock_online": "desc"},
        {"date_created": "desc"},
        {"product_id": "asc"},
    ]
    if query.sort == SORT_PRICE_ASC:
        return [{"price": {"order": "asc", "missing": "_last"}}, *tiebreak]
    if query.sort == SORT_PRICE_DESC:
        return [{"price": {"order": "desc", "missing": "_last"}}, *tiebreak]
    if query.sort == SORT_NEWEST or not query.text:
        return [{"date_created": "desc"}, {"product_id": "asc"}]
    return ["_score", *tiebreak]


def build_search(
    query: ProductQuery, *, fuzzy: bool = False, most_words: bool = False
) -> dsl.Search:
    """Return the engine request for a product listing (exposed for tests/bench)."""
    filters = _facet_filters(query)
    main = (
        _text_query(query.text, fuzzy=fuzzy, most_words=most_words)
        if query.text
        else dsl.Q("match_all")
    )
    scope = _scope_filters(query)
    if scope:
        main = dsl.Q("bool", must=[main], filter=scope)
    page = max(1, query.page)
    start = min((page - 1) * query.per_page, MAX_RESULT_WINDOW - query.per_page)
    search = (
        dsl.Search(index=index_alias())
        .query(main)
        .sort(*_sort(query))
        .source(_title_fields())
        .extra(from_=max(0, start), size=query.per_page, track_total_hits=True)
    )
    if filters:
        search = search.post_filter(dsl.Q("bool", filter=list(filters.values())))
    if query.text:
        search = search.highlight(
            *_title_fields(),
            number_of_fragments=0,
            pre_tags=[MARK_START],
            post_tags=[MARK_END],
            require_field_match=False,
        )
    if query.with_facets:
        search = search.update_from_dict({"aggs": _facet_aggregations(query, filters)})
    return search


def _safe_highlight(fragment: str) -> str:
    escaped = html.escape(fragment)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


# Facet labels: choices for fixed vocabularies, one query per id facet.


def _facet_from_terms(name, label, buckets, selected, labels) -> Facet:
    values = []
    for bucket in buckets:
        key = str(bucket["key"])
        if key in labels:
            values.append(
                FacetValue(key, labels[key], bucket["doc_count"], key in selected)
            )
    for key in selected:  # a chosen value stays visible (and removable) at zero
        if key in labels and all(v.key != key for v in values):
            values.append(FacetValue(key, labels[key], 0, True))
    return Facet(name=name, label=label, values=values)


def _names(model, ids: set[int]) -> dict[str, str]:
    """{id: name in the shopper's language} of facet values, kept until the
    catalogue's structure changes (a category or cooperative renamed)."""

    def load():
        return {
            str(pk): name
            for pk, name in model.objects.filter(pk__in=ids)
            .annotate(label=translated("name"))
            .values_list("pk", "label")
        }

    return catalogue_cached(
        f"facet-names:{model._meta.label}",
        *sorted(ids),
        compute=load,
        sales_context=None,
    )


def _facets(aggs: dict, query: ProductQuery) -> list[Facet]:
    def buckets(name):
        return aggs[name]["values"]["buckets"]

    category_buckets = [
        b
        for b in buckets("category")
        if b["key"] != str(query.scope_category or "") and b["doc_count"]
    ]
    category_ids = {int(b["key"]) for b in category_buckets} | set(query.categories)
    category_names = _names(Category, category_ids)
    cooperative_ids = {int(b["key"]) for b in buckets("cooperative")}
    cooperative_ids |= set(query.cooperatives)
    cooperative_names = _names(Cooperative, cooperative_ids)
    label_buckets = [
        {"key": scheme, "doc_count": bucket["doc_count"]}
        for scheme, bucket in buckets("label").items()
        if bucket["doc_count"] or scheme in query.labels
    ]
    label_buckets.sort(key=lambda b: -b["doc_count"])
    schemes = {str(k): str(v) for k, v in Certification.Scheme.choices}
    regions = {str(k): str(v) for k, v in Region.choices}
    facets = [
        _facet_from_terms(
            "category",
            _("Category"),
            category_buckets,
            {str(pk) for pk in query.categories},
            category_names,
        ),
        _facet_from_terms(
            "label", _("Quality label"), label_buckets, set(query.labels), schemes
        ),
        _facet_from_terms(
            "region", _("Region"), buckets("region"), set(query.regions), regions
        ),
        _facet_from_terms(
            "cooperative",
            _("Cooperative"),
            buckets("cooperative"),
            {str(pk) for pk in query.cooperatives},
            cooperative_names,
        ),
    ]
    selected_price = f"{_plain(query.price_min)}-{_plain(query.price_max)}"
    price_values = [
        FacetValue(
            key=b["key"],
            label=_price_label(*price_range_from_key(b["key"])),
            count=b["doc_count"],
            selected=b["key"] == selected_price,
        )
        for b in buckets("price")
        if b["doc_count"] or b["key"] == selected_price
    ]
    facets.append(
        Facet(name="price", label=_("Price"), values=price_values, multiple=False)
    )
    in_stock = aggs["in_stock"]["values"]["doc_count"]
    facets.append(
        Facet(
            name="in_stock",
            label=_("Availability"),
            values=[FacetValue("1", str(_("In stock")), in_stock, query.in_stock)],
            multiple=False,
        )
    )
    cold = {
        bool(b["key"]): b["doc_count"] for b in aggs["cold_chain"]["values"]["buckets"]
    }
    facets.append(
        Facet(
            name="cold_chain",
            label=_("Cold chain"),
            values=[
                FacetValue(
                    "1",
                    str(_("Refrigerated")),
                    cold.get(True, 0),
                    query.cold_chain is True,
                ),
                FacetValue(
                    "0",
                    str(_("Ambient")),
                    cold.get(False, 0),
                    query.cold_chain is False,
                ),
            ],
            multiple=False,
        )
    )
    return [facet for facet in facets if facet.values]


def _plain(amount) -> str:
    if amount is None:
        return ""
    return format(Decimal(amount).normalize(), "f")


def _price_label(low, high) -> str:
    if low is None:
        return str(_("Under %(high)s MAD") % {"high": _plain(high)})
    if high is None:
        return str(_("%(low)s MAD and more") % {"low": _plain(low)})
    return str(
        _("%(low)s to %(high)s MAD") % {"low": _plain(low), "high": _plain(high)}
    )


def price_range_from_key(key: str) -> tuple[Decimal | None, Decimal | None] | None:
    """Return the bounds of a price facet key such as "50-100", or None."""
    for low, high in PRICE_RANGES:
        if key == f"{low or ''}-{high or ''}":
            return low, high
    return None


# Entry points.


def product_search(*, query: ProductQuery) -> SearchResults:
    """Search the engine; raise engine.SearchUnavailable when it cannot answer."""
    return listing_results(query=query, answer=engine_answer(query=query))


def engine_answer(*, query: ProductQuery) -> EngineAnswer:
    """Ask the engine for a listing; raise engine.SearchUnavailable on failure.

    Exact words first; typo tolerance costs the engine several times more, so
    it runs only when the exact pass finds nothing ("safarn"); when no product
    has every word even then, most of the words will do, and the answer says
    it is partial.
    """
    response = engine.execute(build_search(query))
    if query.text and not response.hits.total.value:
        response = engine.execute(build_search(query, fuzzy=True))
    partial = False
    if query.text and not response.hits.total.value and len(query.text.split()) > 1:
        response = engine.execute(build_search(query, fuzzy=True, most_words=True))
        partial = bool(response.hits.total.value)
    total = response.hits.total.value
    page = max(1, query.page)
    last = _num_pages(total, query.per_page)
    if page > last:
        # Out-of-range page: show the last one rather than an empty list.
        return engine_answer(query=replace(query, page=last))
    hits = []
    for hit in response.hits:
        # The highlight of the title shown: the shopper's language when the
        # product has it, else French.
        shown = next(
            (name for name in _title_fields() if getattr(hit, name, "")), "title"
        )
        fragments = getattr(getattr(hit.meta, "highlight", None), shown, None)
        hits.append(
            Hit(
                product_id=int(hit.meta.id),
                title=_hit_title(hit),
                highlight=_safe_highlight(fragments[0]) if fragments else "",
            )
        )
    suggestion = ""
    if query.text and not total:
        suggestion = spelling_suggestion(text=query.text)
    return EngineAnswer(
        hits=tuple(hits),
        total=total,
        page=page,
        aggregations=response.aggregations.to_dict() if query.with_facets else {},
        suggestion=suggestion,
        partial=partial,
        took_ms=response.took,
    )


def listing_results(*, query: ProductQuery, answer: EngineAnswer) -> SearchResults:
    """Turn an engine answer into results with labelled facets (two queries)."""
    return SearchResults(
        hits=list(answer.hits),
        total=answer.total,
        page=answer.page,
        per_page=query.per_page,
        facets=_facets(answer.aggregations, query) if query.with_facets else [],
        suggestion=answer.suggestion,
        partial=answer.partial,
        took_ms=answer.took_ms,
    )


def spelling_suggestion(*, text: str) -> str:
    """Return a corrected query ("safarn" → "safran"), or "" if none is better."""
    search = (
        dsl.Search(index=index_alias())
        .extra(size=0)
        .suggest(
            "spelling",
            text,
            phrase={
                "field": "title",
                "size": 1,
                "gram_size": 1,
                "direct_generator": [
                    {"field": "title", "suggest_mode": "always", "min_word_length": 3}
                ],
            },
        )
    )
    try:
        response = engine.execute(search)
    except engine.SearchUnavailable:
        return ""
    options = response.suggest.to_dict().get("spelling", [{}])[0].get("options", [])
    best = options[0]["text"] if options else ""
    return best if best and best.lower() != text.lower() else ""


def product_search_fallback(*, query: ProductQuery) -> SearchResults:
    """Answer from the database when the engine is down: text filter, no facets."""
    products = indexable_products()
    for word in query.text.split():
        # The shopper's language (title, description) or French.
        products = products.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(title_fr__icontains=word)
            | Q(description_fr__icontains=word)
        )
    if query.scope_category:
        scope = Category.objects.filter(pk=query.scope_category).first()
        if scope is None:
            products = products.none()
        else:
            products = products.filter(
                categories__in=scope.get_descendants_and_self()
            ).distinct()
    products = products.order_by("-date_created", "pk")
    total = products.count()
    page = max(1, query.page)
    num_pages = max(1, math.ceil(total / query.per_page))
    page = min(page, num_pages)
    start = (page - 1) * query.per_page
    rows = products.annotate(label=translated("title")).values_list("pk", "label")[
        start : start + query.per_page
    ]
    return SearchResults(
        hits=[Hit(product_id=pk, title=title) for pk, title in rows],
        total=total,
        page=page,
        per_page=query.per_page,
        degraded=True,
    )


def build_autocomplete(
    *, text: str, size: int = 6, most_words: bool = False
) -> dsl.Search:
    """Return the engine request behind `product_suggestions` (exposed for the bench).

    Titles with words starting as typed; those whose naming words do ("saf": the
    saffron) before those that only contain them (the tea with saffron). Only
    what the suggestion list shows: the engine pays for every field read and
    every suggester, on each keystroke. Cooperatives and categories come from
    the database (search.selectors).
    """
    matching = (
        {"minimum_should_match": MOST_WORDS} if most_words else {"operator": "and"}
    )
    language = shopper_language()
    if language:
        # Titles in the shopper's language first, French ones still complete.
        fields = [f"title_{language}.ac^2", "title.ac"]
        if language == "ar":
            fields.append("title_ar_bare^2")
        words = dsl.Q(
            "multi_match",
            query=text,
            fields=fields,
            type="best_fields",
            **matching,
        )
    else:
        words = dsl.Q("match", **{"title.ac": {"query": text, **matching}})
    naming = dsl.Q("match", **{"title_head.ac": {"query": text, "boost": 2}})
    return (
        dsl.Search(index=index_alias())
        .query(dsl.Q("bool", must=[words], should=[naming]))
        .source([*_title_fields(), "slug"])
        .extra(size=size, track_total_hits=False)
    )


def product_suggestions(*, text: str, size: int = 6) -> list[Suggestion]:
    """Return products whose title has words starting with the prefix's words
    (with most of them when no title has all: "miel bio" still suggests honeys)."""
    response = engine.execute(build_autocomplete(text=text, size=size))
    if not response.hits and len(text.split()) > 1:
        response = engine.execute(
            build_autocomplete(text=text, size=size, most_words=True)
        )
    return [
        Suggestion(
            "product", int(hit.meta.id), _hit_title(hit), getattr(hit, "slug", "")
        )
        for hit in response.hits
    ]
