"""Overrides oscar.apps.catalogue.views: the product page shows its provenance.

Only ProductDetailView is overridden; Oscar's loader falls back to its own
classes for every other view of this module.
"""

from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView

from catalog import selectors


class ProductDetailView(OscarProductDetailView):
    def get_queryset(self):
        return selectors.product_detail_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        product = self.object
        ctx["cooperative"] = product.get_cooperative()
        ctx["labels"] = selectors.product_labels_list(product=product)
        return ctx
