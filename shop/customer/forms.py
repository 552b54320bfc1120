"""Registration forms that do not tell whether an email has an account."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.forms import GatewayForm
from oscar.apps.customer.forms import EmailUserCreationForm
from oscar.apps.customer.utils import normalise_email


class RegistrationForm(EmailUserCreationForm):
    """Oscar's registration form without "A user with that email address
    already exists": an existing address is handled by email
    (shop/customer/services.py)."""

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class RegistrationConfirmForm(forms.Form):
    """The password chosen when registering, asked again when the link is used.

    Whoever registered an address they do not own cannot have the owner
    activate an account whose password the registrant knows.
    """

    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("This is not the password you chose when registering.")
            )
        return password


class CheckoutGatewayForm(GatewayForm):
    """Oscar's checkout gateway without "A user with that email address already
    exists" for a guest or a new customer; a returning customer signs in."""

    def clean(self):
        if self.is_guest_checkout() or self.is_new_account_checkout():
            self.errors.pop("password", None)
            return self.cleaned_data
        return super().clean()
