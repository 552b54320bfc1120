"""Overrides oscar.apps.checkout.forms: phone required, payment method choice."""

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import forms as oscar_forms
from oscar.apps.checkout.forms import *  # noqa: F403
from phonenumber_field.phonenumber import PhoneNumber

from shop.address.forms import AddressRulesMixin


class ShippingAddressForm(AddressRulesMixin, oscar_forms.ShippingAddressForm):
    """Couriers call before delivering: a phone number is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone_number"].required = True
        self.fields["phone_number"].help_text = _(
            "For the courier, e.g. 06 12 34 56 78 or +212 6 12 34 56 78."
        )


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Payment method"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("This payment method is not available for your order.")
        },
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            (option.code, option.label) for option in options if option.available
        ]


class CollectContactForm(forms.Form):
    """Who collects a click & collect order: a name and a Moroccan phone
    number for the store to call, no street address."""

    store = forms.IntegerField(widget=forms.HiddenInput)
    first_name = forms.CharField(label=_("First name"), max_length=255)
    last_name = forms.CharField(label=_("Last name"), max_length=255)
    phone_number = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        help_text=_("The store calls you when your order is ready."),
    )

    def __init__(self, *args, stores, **kwargs):
        # Beside the address form on one page: ids of its own.
        kwargs.setdefault("auto_id", "collect_%s")
        super().__init__(*args, **kwargs)
        self.stores = {store.pk: store for store in stores}

    def clean_store(self):
        store = self.stores.get(self.cleaned_data["store"])
        if store is None:
            raise forms.ValidationError(
                _("This store cannot prepare your basket; please choose another.")
            )
        return store

    def clean_phone_number(self):
        try:
            number = phonenumbers.parse(self.cleaned_data["phone_number"], "MA")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number_for_region(number, "MA"):
            raise forms.ValidationError(
                _("Please enter a Moroccan phone number, e.g. 06 12 34 56 78.")
            )
        return PhoneNumber.from_string(self.cleaned_data["phone_number"], region="MA")
