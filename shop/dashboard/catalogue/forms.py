"""Overrides oscar.apps.dashboard.catalogue.forms: products carry their provenance.

Without the cooperative field the dashboard could not create a product at all
(the database requires a cooperative for every non-variant product); leaving it
empty is reported by Product.clean() as "Choose the producing cooperative."
"""

from django.conf import settings
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.core.utils import slugify

from catalog.translation import FrenchRequiredMixin, language_fields

PROVENANCE_FIELDS = [
    "cooperative",
    "origin_region",
    "cold_chain",
    "hs_code",
    "wholesale_pack_size",
    "minimum_order_quantity",
]


def _french_slug(form, name: str) -> str:
    """Return the slug entered, or one made from the French text: the address
    stays the same whatever language the staff member works in."""
    french = form.cleaned_data.get(f"{name}_{settings.LANGUAGE_CODE}") or ""
    return form.cleaned_data.get("slug") or slugify(french)


class ProductForm(oscar_forms.ProductForm):
    """Title and description in each language (a blank one reads in French)."""

    class Meta(oscar_forms.ProductForm.Meta):
        fields = (
            language_fields(
                oscar_forms.ProductForm.Meta.fields, ("title", "description")
            )
            + PROVENANCE_FIELDS
        )

    def clean_slug(self):
        return _french_slug(self, "title")

    def delete_non_child_fields(self):
        # A variant inherits its parent's cooperative and provenance.
        super().delete_non_child_fields()
        for field_name in [
            *PROVENANCE_FIELDS,
            *language_fields(["description"], ("description",)),
        ]:
            self.fields.pop(field_name, None)


class CategoryForm(FrenchRequiredMixin, oscar_forms.CategoryForm):
    french_required = ("name",)

    class Meta(oscar_forms.CategoryForm.Meta):
        fields = language_fields(
            oscar_forms.CategoryForm.Meta.fields, ("name", "description")
        )

    def clean_slug(self):
        return _french_slug(self, "name")


class ProductAttributesForm(FrenchRequiredMixin, oscar_forms.ProductAttributesForm):
    french_required = ("name",)

    class Meta(oscar_forms.ProductAttributesForm.Meta):
        fields = language_fields(
            oscar_forms.ProductAttributesForm.Meta.fields, ("name",)
        )

    def clean_code(self):
        # A blank code is made from the French name, as Oscar does from "name",
        # with underscores: the code's validator refuses Oscar's hyphens.
        french = self.cleaned_data.get(f"name_{settings.LANGUAGE_CODE}") or ""
        return self.cleaned_data.get("code") or slugify(french).replace("-", "_")


class AttributeOptionForm(FrenchRequiredMixin, oscar_forms.AttributeOptionForm):
    french_required = ("option",)

    class Meta(oscar_forms.AttributeOptionForm.Meta):
        fields = language_fields(
            oscar_forms.AttributeOptionForm.Meta.fields, ("option",)
        )
