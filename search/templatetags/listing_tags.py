"""The active filters of a listing, as removable chips."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext

register = template.Library()

# What a listing keeps when every filter is cleared: the words and the order.
KEPT_ON_CLEAR = ("q", "sort")


@dataclass(frozen=True)
class Chip:
    label: str
    url: str  # the listing without this filter


@dataclass(frozen=True)
class ActiveFilters:
    chips: list[Chip]
    clear_url: str

    @property
    def count(self) -> int:
        return len(self.chips)


def _price_label(low, high) -> str:
    if low is not None and high is not None:
        return gettext("%(low)s to %(high)s MAD") % {"low": low, "high": high}
    if low is not None:
        return gettext("From %(low)s MAD") % {"low": low}
    return gettext("Up to %(high)s MAD") % {"high": high}


@register.simple_tag(takes_context=True)
def active_filters(context) -> ActiveFilters:
    """Return the listing's chosen facet values (and a typed price range)."""
    request = context["request"]
    results = context.get("results")
    query = context.get("query")
    chips = []
    price_chosen = False
    for facet in getattr(results, "facets", None) or []:
        for value in facet.values:
            if value.selected:
                chips.append(Chip(label=value.label, url=value.url))
                price_chosen = price_chosen or facet.name == "price"
    typed = query is not None and (
        query.price_min is not None or query.price_max is not None
    )
    if typed and not price_chosen:
        others = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in {"price_min", "price_max", "page"}
            for value in values
        ]
        chips.append(
            Chip(
                label=_price_label(query.price_min, query.price_max),
                url="?" + urlencode(others),
            )
        )
    kept = [
        (key, value)
        for key, values in request.GET.lists()
        if key in KEPT_ON_CLEAR
        for value in values
    ]
    return ActiveFilters(chips=chips, clear_url="?" + urlencode(kept))
