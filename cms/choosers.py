"""Admin choosers that let editors pick catalogue products and cooperatives."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from shop.db import is_row_id


class ChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        # The URL takes any text: one that is no id is no object (the lookup
        # raised, a 500).
        if not is_row_id(self.model_class, str(pk)):
            raise self.model_class.DoesNotExist
        return super().get_object(pk)


class ChosenMultipleView(chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return super().get_objects(
            [pk for pk in pks if is_row_id(self.model_class, pk)]
        )


class CreateView(chooser_views.CreateView):
    def dispatch(self, request, *args, **kwargs):
        # These choosers create nothing (no creation form), but Wagtail mounts
        # the URL anyway: a POST to it was a 500.
        if self.get_creation_form_class() is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CatalogueChooserViewSet(ChooserViewSet):
    """A chooser answering 404 to an id that can name no row, and to the
    creation URL of a chooser without a creation form."""

    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView


class ProductChooserViewSet(CatalogueChooserViewSet):
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


class CooperativeChooserViewSet(CatalogueChooserViewSet):
    model = "catalogue.Cooperative"
    icon = "group"
    choose_one_text = _("Choose a cooperative")
    choose_another_text = _("Choose another cooperative")
    edit_item_text = _("Edit this cooperative")
    per_page = 20


product_chooser_viewset = ProductChooserViewSet("product_chooser")
cooperative_chooser_viewset = CooperativeChooserViewSet("cooperative_chooser")
