"""Overrides oscar.apps.catalogue.views: the product page shows its provenance.

Only ProductDetailView is overridden; Oscar's loader falls back to its own
classes for every other view of this module.
"""

from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView

from catalog import selectors
from shop.cache import catalogue_cached, stock_figures_shown
from shop.templatetags.page_parts import FRAGMENT_SECONDS


class ProductDetailView(OscarProductDetailView):
    def get_queryset(self):
        return selectors.product_detail_queryset()

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object

        def load():
            product = super(ProductDetailView, self).get_object(queryset)
            # It comes with its stock records, whose levels the page prints.
            stock_figures_shown(product.pk)
            return product

        # The product with its labels, stock records, images and categories
        # costs six queries and most of a page render's ORM time; kept until
        # it, its stock or the catalogue changes (a missing one is not kept),
        # and, for a bulk update sending no signal, as long as fragments.
        return catalogue_cached(
            "product-detail",
            self.kwargs.get("pk"),
            compute=load,
            sales_context=None,
            timeout=FRAGMENT_SECONDS,
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        product = self.object
        ctx["cooperative"] = product.get_cooperative()
        ctx["labels"] = selectors.product_labels_list(product=product)
        return ctx
