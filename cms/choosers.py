"""Admin choosers that let editors pick catalogue products and cooperatives."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.chooser import ChooserViewSet


class ProductChooserViewSet(ChooserViewSet):
    model = "catalogue.Product"
    icon = "tag"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    edit_item_text = _("Edit this product")
    per_page = 20

    def get_object_list(self):
        """List standalone and parent products: variants sell through their parent."""
        from catalog.models import Product

        return Product.objects.exclude(structure=Product.CHILD).order_by("title")


class CooperativeChooserViewSet(ChooserViewSet):
    model = "catalogue.Cooperative"
    icon = "group"
    choose_one_text = _("Choose a cooperative")
    choose_another_text = _("Choose another cooperative")
    edit_item_text = _("Edit this cooperative")
    per_page = 20


product_chooser_viewset = ProductChooserViewSet("product_chooser")
cooperative_chooser_viewset = CooperativeChooserViewSet("cooperative_chooser")
