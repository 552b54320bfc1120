"""Overrides oscar.apps.dashboard.catalogue.views: staff find products as shoppers do.

The product title box asks the storefront's search engine through the same
query builder (typos, synonyms, Arabic), best matches first. Products the engine
does not hold (unpublished ones) still match by the words of their title, after
those. When the engine cannot answer, title matching alone lists them, with a
notice.
"""

from django.contrib import messages
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext
from oscar.apps.dashboard.catalogue import views

from search.selectors import ranked_product_ids_get
from shop.dashboard.mixins import NumericPkMixin
from shop.db import is_row_id


class ProductListView(views.ProductListView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # get_queryset runs more than once per page: ask the engine once.
        self._ranked: dict[str, list[int] | None] = {}

    def _ranked_ids(self, text: str) -> list[int] | None:
        if text not in self._ranked:
            ranked = ranked_product_ids_get(text=text)
            if ranked is None:
                messages.warning(
                    self.request,
                    gettext(
                        "The search engine is not answering: products are matched "
                        "on the exact words of their title only."
                    ),
                )
            self._ranked[text] = ranked
        return self._ranked[text]

    def _search_text(self) -> str:
        if not self.form.is_valid() or self.form.cleaned_data.get("upc"):
            return ""  # a UPC is an exact reference: Oscar's lookup is the answer
        return self.form.cleaned_data.get("title") or ""

    def apply_search(self, queryset):
        matched = super().apply_search(queryset)
        text = self._search_text()
        ranked = self._ranked_ids(text) if text else None
        if not ranked:
            return matched
        rank = Case(
            *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)),
            default=Value(len(ranked)),
            output_field=IntegerField(),
        )
        return (
            queryset.filter(Q(pk__in=ranked) | Q(pk__in=matched.values("pk")))
            .annotate(search_rank=rank)
            .order_by("search_rank", "-date_updated")
        )

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if self._search_text():
            # Best matches first, unless staff sort by a column.
            kwargs["order_by"] = ()
        return kwargs


class StockAlertListView(views.StockAlertListView):
    def get_queryset(self):
        queryset = super().get_queryset()
        if not hasattr(self, "description"):
            # An invalid status filter (Oscar left no description: a 500):
            # every alert, with the form's message.
            self.description = gettext("All alerts")
        return queryset


class AttributeOptionGroupUpdateView(
    NumericPkMixin, views.AttributeOptionGroupUpdateView
):
    pass


class AttributeOptionGroupDeleteView(
    NumericPkMixin, views.AttributeOptionGroupDeleteView
):
    pass


class OptionUpdateView(NumericPkMixin, views.OptionUpdateView):
    pass


class OptionDeleteView(NumericPkMixin, views.OptionDeleteView):
    pass


class CategoryUpdateView(views.CategoryUpdateView):
    def form_invalid(self, form):
        # Validation wrote the posted values onto the category; its "View on
        # site" link needs the saved slug (an emptied one was a 500).
        self.object.refresh_from_db()
        return super().form_invalid(form)


def _lookup_number(value, default: int) -> int:
    """A page or page size from the lookup's query: from 1 to 10,000."""
    if not (value and value.isascii() and value.isdigit()):
        return default
    return min(max(int(value), 1), 10_000)


class ProductLookupView(views.ProductLookupView):
    """The product picker's JSON: Oscar read `page` and `page_limit` with int()
    (text, zero or a negative number was a 500), `initial` as ids as is and
    looked titles up with any text."""

    def get_args(self):
        query = self.request.GET
        return (
            query.get("initial"),
            query.get("q"),
            _lookup_number(query.get("page"), 1),
            _lookup_number(query.get("page_limit"), 20),
        )

    def initial_filter(self, qs, value):
        ids = [pk for pk in value.split(",") if is_row_id(self.model, pk)]
        return qs.filter(pk__in=ids)

    def lookup_filter(self, qs, term):
        # No title holds a NUL byte, and PostgreSQL refuses one in a query.
        if "\x00" in term:
            return qs.none()
        return super().lookup_filter(qs, term)
