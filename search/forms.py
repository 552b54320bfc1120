"""Overrides oscar.apps.search.forms: no Haystack; parse listing parameters safely.

`SearchForm` is the header search box Oscar's context processor puts on every
page. `listing_params_parse` turns any query string (however malformed) into a
validated `ProductQuery` plus the notices a shopper should see.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import Certification, Region
from search.queries import SORT_CHOICES, SORT_RELEVANCE, ProductQuery

MAX_QUERY_LENGTH = 200
MAX_PRICE = Decimal("1000000")
MAX_PAGE = 10_000
MAX_VALUES_PER_FACET = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NUMBER = re.compile(r"[0-9]{1,9}")


class SearchInput(forms.TextInput):
    input_type = "search"


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        label=_("Search"),
        widget=SearchInput(
            {"placeholder": _("Argan oil, saffron, amlou…"), "autocomplete": "off"}
        ),
    )


@dataclass
class ListingParams:
    query: ProductQuery
    notices: list[str] = field(default_factory=list)
    submitted_text: str = ""

    @property
    def has_filters(self) -> bool:
        q = self.query
        return bool(
            q.categories
            or q.labels
            or q.regions
            or q.cooperatives
            or q.price_min is not None
            or q.price_max is not None
            or q.in_stock
            or q.cold_chain is not None
        )


def clean_search_text(raw: str) -> tuple[str, list[str]]:
    """Return the text worth searching for and notices about what was dropped."""
    text = " ".join(_CONTROL.sub(" ", raw).split())
    notices = []
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
        notices.append(
            gettext("Your search was shortened to its first %(n)s characters.")
            % {"n": MAX_QUERY_LENGTH}
        )
    if text and not any(ch.isalnum() for ch in text):
        text = ""
        notices.append(gettext("Type a word or a product name to search."))
    return text, notices


def _ids(values) -> tuple[int, ...]:
    ids = {int(v) for v in values if _NUMBER.fullmatch(v)}
    return tuple(sorted(ids))[:MAX_VALUES_PER_FACET]


def _choices(values, allowed) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v in allowed}))[:MAX_VALUES_PER_FACET]


def _price(raw: str, notices: list[str]) -> Decimal | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or not 0 <= amount <= MAX_PRICE:
        notices.append(gettext("Enter prices as positive amounts in dirhams."))
        return None
    return amount.quantize(Decimal("0.01"))


def listing_params_parse(
    params, *, scope_category: int | None = None, per_page: int = 20
) -> ListingParams:
    """Validate listing parameters; unknown or malformed values are dropped."""
    text, notices = clean_search_text(params.get("q", ""))
    price_min = _price(params.get("price_min", ""), notices)
    price_max = _price(params.get("price_max", ""), notices)
    if price_min is not None and price_max is not None and price_min > price_max:
        price_min, price_max = price_max, price_min
    cold = params.get("cold_chain", "")
    page = params.get("page", "1")
    sort = params.get("sort", "")
    query = ProductQuery(
        text=text,
        scope_category=scope_category,
        categories=_ids(params.getlist("category")),
        labels=_choices(params.getlist("label"), set(Certification.Scheme.values)),
        regions=_choices(params.getlist("region"), set(Region.values)),
        cooperatives=_ids(params.getlist("cooperative")),
        price_min=price_min,
        price_max=price_max,
        in_stock=params.get("in_stock") == "1",
        cold_chain={"1": True, "0": False}.get(cold),
        sort=sort if sort in dict(SORT_CHOICES) else SORT_RELEVANCE,
        page=min(max(int(page), 1), MAX_PAGE) if _NUMBER.fullmatch(page) else 1,
        per_page=per_page,
    )
    return ListingParams(
        query=query, notices=notices, submitted_text=params.get("q", "")[:1000]
    )
