"""Overrides oscar.apps.dashboard.catalogue.views: staff find products as shoppers do.

The product title box asks the storefront's search engine through the same
query builder (typos, synonyms, Arabic), best matches first. Products the engine
does not hold (unpublished ones) still match by the words of their title, after
those. When the engine cannot answer, title matching alone lists them, with a
notice.
"""

from django.contrib import messages
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404
from django.utils.translation import gettext
from oscar.apps.dashboard.catalogue import views

from search.selectors import ranked_product_ids_get


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


class _NumericPkMixin:
    """A non-numeric id in the URL is a page that does not exist.

    Oscar routes these ids as `<str:pk>` for its related-field popups; the
    database lookup then failed with a 500.
    """

    def dispatch(self, request, *args, **kwargs):
        if not str(kwargs.get("pk", "")).isdigit():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AttributeOptionGroupUpdateView(
    _NumericPkMixin, views.AttributeOptionGroupUpdateView
):
    pass


class AttributeOptionGroupDeleteView(
    _NumericPkMixin, views.AttributeOptionGroupDeleteView
):
    pass


class OptionUpdateView(_NumericPkMixin, views.OptionUpdateView):
    pass


class OptionDeleteView(_NumericPkMixin, views.OptionDeleteView):
    pass
