"""Overrides oscar.apps.basket.forms.AddToBasketForm for BasketAddView only."""

from oscar.apps.basket import forms


class AddToBasketForm(forms.AddToBasketForm):
    def cleaned_options(self):
        # has_options is annotated on the product (selectors.py): no options query
        # for a product without options.
        if not self.parent_product.has_options:
            return []
        return super().cleaned_options()
