"""Overrides oscar.apps.search.views: engine-backed search and category browsing.

Oscar's catalogue app loads `CatalogueView` and `ProductCategoryView` from here
(`get_class("search.views", …)`), so browsing and searching share one query
builder, one facet panel and one database fallback. No Haystack.
"""

from urllib.parse import unquote, urlencode

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from search.forms import MAX_QUERY_LENGTH, clean_search_text, listing_params_parse
from search.queries import SORT_CHOICES, Facet
from search.selectors import autocomplete_get, product_listing_get
from shop.sales.selectors import sales_context_get

Category = get_model("catalogue", "Category")

AUTOCOMPLETE_MIN_LENGTH = 2


def _facet_urls(facets: list[Facet], params) -> None:
    """Attach to each facet value the URL that toggles it (back to page 1).

    Built from plain pairs: copying the QueryDict for each of some seventy
    values cost a listing about 1 ms (now 0.3 ms).
    """
    pairs = [(k, v) for k, values in params.lists() if k != "page" for v in values]
    for facet in facets:
        own = {"price_min", "price_max"} if facet.name == "price" else {facet.name}
        others = [(k, v) for k, v in pairs if k not in own]
        chosen = [v for k, v in pairs if k == facet.name]
        for value in facet.values:
            if value.selected:
                toggled = []
            elif facet.name == "price":
                low, _sep, high = value.key.partition("-")
                toggled = [("price_min", low), ("price_max", high)]
            else:
                toggled = [(facet.name, value.key)]
            if facet.multiple:
                kept = [(facet.name, v) for v in chosen if v != value.key]
                toggled = kept + toggled
            value.url = "?" + urlencode(others + toggled)


class ProductListingView(TemplateView):
    """Search results and category pages: same engine query, facets, fallback."""

    scope_category = None

    def listing_context(self) -> dict:
        params = listing_params_parse(
            self.request.GET,
            scope_category=self.scope_category.pk if self.scope_category else None,
            per_page=settings.OSCAR_PRODUCTS_PER_PAGE,
        )
        context = {
            "params": params,
            "query": params.query,
            "notices": params.notices,
            "sort_choices": SORT_CHOICES,
            "max_query_length": MAX_QUERY_LENGTH,
        }
        if self.should_search(params):
            listing = product_listing_get(
                query=params.query,
                sales_context=sales_context_get(request=self.request),
            )
            _facet_urls(listing.results.facets, self.request.GET)
            page_params = self.request.GET.copy()
            page_params.pop("page", None)
            context.update(
                results=listing.results,
                rows=listing.rows,
                page_query=page_params.urlencode(),
            )
        return context

    def should_search(self, params) -> bool:
        return True

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        results = context.get("results")
        if results is not None and results.degraded:
            # A fallback page must not outlive the outage in shared caches.
            patch_cache_control(response, private=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.listing_context())
        return context


class FacetedSearchView(ProductListingView):
    template_name = "oscar/search/results.html"

    def should_search(self, params) -> bool:
        # An empty box (or only punctuation) asks for words instead of listing all.
        return bool(params.query.text) or params.has_filters

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["top_categories"] = Category.get_root_nodes().filter(is_public=True)[
            :12
        ]
        return context


class CatalogueView(ProductListingView):
    template_name = "oscar/catalogue/browse.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = _("All products")
        return context


class ProductCategoryView(ProductListingView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.scope_category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.scope_category.is_public or request.user.is_staff):
            raise Http404
        expected = self.scope_category.get_absolute_url()
        if unquote(expected) != unquote(request.path):
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                expected + ("?" + query if query else "")
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.scope_category
        context["summary"] = self.scope_category.name
        return context


class AutocompleteView(View):
    """JSON suggestions for the header search box; never an error if the engine is down
    (cooperatives and categories only, flagged degraded)."""

    def get(self, request):
        text, _notices = clean_search_text(request.GET.get("q", ""))
        suggestions = []
        degraded = False
        if len(text) >= AUTOCOMPLETE_MIN_LENGTH:
            found = autocomplete_get(text=text[:100])
            suggestions, degraded = found.suggestions, found.degraded
        search_url = reverse("search:search")
        items = [
            {
                "kind": s.kind,
                "label": s.label,
                "url": self._url(s),
                "group": self._group(s.kind),
            }
            for s in suggestions
        ]
        if text:
            items.append(
                {
                    "kind": "search",
                    "label": gettext("Search for “%(q)s”") % {"q": text},
                    "url": f"{search_url}?{urlencode({'q': text})}",
                    "group": "",
                }
            )
        response = JsonResponse({"query": text, "results": items, "degraded": degraded})
        if degraded:
            patch_cache_control(response, private=True)
        return response

    @staticmethod
    def _group(kind: str) -> str:
        groups = {
            "product": _("Products"),
            "cooperative": _("Cooperatives"),
            "category": _("Categories"),
        }
        return str(groups[kind])

    @staticmethod
    def _url(suggestion) -> str:
        if suggestion.kind == "product":
            return reverse(
                "catalogue:detail",
                kwargs={"product_slug": suggestion.slug, "pk": suggestion.id},
            )
        if suggestion.kind == "category":
            return reverse(
                "catalogue:category",
                kwargs={"category_slug": suggestion.slug, "pk": suggestion.id},
            )
        return f"{reverse('search:search')}?{urlencode({'cooperative': suggestion.id})}"
