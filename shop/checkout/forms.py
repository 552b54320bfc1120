"""Overrides oscar.apps.checkout.forms: phone required, payment method choice."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import forms as oscar_forms
from oscar.apps.checkout.forms import *  # noqa: F403

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
