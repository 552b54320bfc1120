from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The 6 digits an authenticator app shows; spaces are forgiven (apps
    display "123 456")."""

    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(
                _("Enter the 6 digits your authenticator app shows now.")
            )
        return code
