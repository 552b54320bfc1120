"""Overrides oscar.apps.dashboard.catalogue.forms: products carry their provenance.

Without the cooperative field the dashboard could not create a product at all
(the database requires a cooperative for every non-variant product); leaving it
empty is reported by Product.clean() as "Choose the producing cooperative."
"""

from oscar.apps.dashboard.catalogue import forms as oscar_forms

PROVENANCE_FIELDS = [
    "cooperative",
    "origin_region",
    "cold_chain",
    "hs_code",
    "wholesale_pack_size",
    "minimum_order_quantity",
]


class ProductForm(oscar_forms.ProductForm):
    class Meta(oscar_forms.ProductForm.Meta):
        fields = oscar_forms.ProductForm.Meta.fields + PROVENANCE_FIELDS

    def delete_non_child_fields(self):
        # A variant inherits its parent's cooperative and provenance.
        super().delete_non_child_fields()
        for field_name in PROVENANCE_FIELDS:
            self.fields.pop(field_name, None)
