"""Overrides oscar.apps.address.forms: a new address starts in the home country."""

from oscar.apps.address import forms as oscar_forms
from oscar.apps.address.forms import *  # noqa: F403

from shop.shipping.selectors import DOMESTIC_COUNTRY


class UserAddressForm(oscar_forms.UserAddressForm):
    """Most customers live in Morocco: it is chosen, and no empty choice is
    offered (a country is required)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        country.empty_label = None
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("country", DOMESTIC_COUNTRY)
