"""Overrides oscar.apps.address.forms: Moroccan address rules, home country first."""

import re

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.address import forms as oscar_forms
from oscar.apps.address.forms import *  # noqa: F403

from shop.address.countries import country_name
from shop.shipping.selectors import DOMESTIC_COUNTRY

MOROCCAN_POSTCODE = re.compile(r"\d{5}")
NOTES_MAX_LENGTH = 500


class AddressRulesMixin:
    """Checks every address form shares: a phone number that rings in the
    address's country, a Moroccan postcode of five digits, bounded notes,
    and country names in the shopper's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "notes" in self.fields:
            self.fields["notes"] = forms.CharField(
                label=self.fields["notes"].label,
                help_text=self.fields["notes"].help_text,
                required=False,
                max_length=NOTES_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        country = self.fields.get("country")
        if country is not None:
            country.label_from_instance = lambda c: country_name(c.iso_3166_1_a2)

    def clean(self):
        cleaned_data = super().clean()
        country = cleaned_data.get("country")
        code = getattr(country, "iso_3166_1_a2", None)
        if not code:
            return cleaned_data
        postcode = (cleaned_data.get("postcode") or "").strip()
        if code == DOMESTIC_COUNTRY and postcode:
            if not MOROCCAN_POSTCODE.fullmatch(postcode):
                self.add_error(
                    "postcode",
                    _("A Moroccan postcode has five digits, e.g. 20000."),
                )
        phone = cleaned_data.get("phone_number")
        # A number valid elsewhere (an American one for Casablanca); invalid
        # numbers get the model's own message (text that parses as no number,
        # "%00", stays text: no number to check, it was a 500).
        if (
            isinstance(phone, phonenumbers.PhoneNumber)
            and phonenumbers.is_valid_number(phone)
            and not phonenumbers.is_valid_number_for_region(phone, code)
        ):
            self.add_error(
                "phone_number",
                _("This is not a valid phone number for %(country)s.")
                % {"country": country_name(code)},
            )
        return cleaned_data


class UserAddressForm(AddressRulesMixin, oscar_forms.UserAddressForm):
    """Most customers live in Morocco: it is chosen, and no empty choice is
    offered (a country is required)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        country.empty_label = None
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("country", DOMESTIC_COUNTRY)
