"""What applicants, company admins and office staff type about a business."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shop.sales.phones import phone_normalise
from shop.wholesale.models import Application, Company, CompanyAddress

MOROCCO = "MA"
PHONE_ERROR = _(
    "Enter a valid phone number, with its country code if it is not Moroccan "
    "(e.g. +33 4 78 00 00 00)."
)


def _phone_clean(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if not text and not required:
        return ""
    phone = phone_normalise(text=text)
    if phone is None:
        raise forms.ValidationError(PHONE_ERROR)
    return phone


class CompanyDetailsMixin:
    """Who the business is: an ICE and trade register in Morocco, a VAT or
    company number abroad; one phone format."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for the spaces people type; the model checks the 15 digits.
        ice = self.fields["ice"]
        self.fields["ice"] = forms.CharField(
            label=ice.label, help_text=ice.help_text, required=False, max_length=30
        )

    def clean_ice(self) -> str:
        # ICEs are often printed in groups: "001 234 567 000 089".
        return re.sub(r"[\s.\-]", "", self.cleaned_data.get("ice") or "")

    def clean_phone(self) -> str:
        return _phone_clean(self.cleaned_data.get("phone"), required=True)

    def clean(self):
        data = super().clean()
        country = data.get("country")
        if country is None:
            return data
        if country.pk == MOROCCO:
            if not data.get("ice") and "ice" not in self.errors:
                self.add_error(
                    "ice", _("A Moroccan company gives its ICE (15 digits).")
                )
            if not (data.get("trade_register") or "").strip():
                self.add_error(
                    "trade_register",
                    _(
                        "A Moroccan company gives its trade register number and "
                        "city, e.g. “RC Casablanca 123456”."
                    ),
                )
        elif not (data.get("vat_number") or "").strip():
            self.add_error(
                "vat_number",
                _(
                    "A company outside Morocco gives its VAT or company "
                    "registration number."
                ),
            )
        return data


DETAIL_FIELDS = [
    "name",
    "kind",
    "country",
    "ice",
    "vat_number",
    "trade_register",
    "address_line1",
    "address_line2",
    "city",
    "postcode",
]


class ApplicationForm(CompanyDetailsMixin, forms.ModelForm):
    """A business asking for a wholesale account."""

    class Meta:
        model = Application
        fields = [
            *DETAIL_FIELDS,
            "contact_name",
            "phone",
            "email",
            "expected_volumes",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "expected_volumes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "ice": _("Moroccan companies: the 15 digits of the ICE."),
            "vat_number": _("Companies outside Morocco."),
            "trade_register": _("E.g. “RC Casablanca 123456”."),
            "expected_volumes": _(
                "Which products, how many units or packs, how often: it helps "
                "us prepare your prices."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].initial = MOROCCO
        self.fields["phone"].help_text = _(
            "With its country code if it is not Moroccan."
        )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refusal (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("Give the reason for the refusal: the applicant receives it.")
        },
    )


class ApplicationFilterForm(forms.Form):
    ALL = "all"

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(ALL, _("All")), *Application.Status.choices],
    )


class CompanyForm(CompanyDetailsMixin, forms.ModelForm):
    """Office staff's view of a company: details, terms, credit, active."""

    language = forms.ChoiceField(
        label=_("Language of its emails and documents"),
        choices=lambda: settings.LANGUAGES,
    )

    class Meta:
        model = Company
        fields = [
            *DETAIL_FIELDS,
            "phone",
            "email",
            "currency",
            "language",
            "payment_terms",
            "credit_limit",
            "is_active",
        ]
        help_texts = {
            "payment_terms": _(
                "The most generous terms its quotes may offer: net 30 or 60 days "
                "for trusted companies only."
            ),
            "is_active": _(
                "Its buyers lose the wholesale area and prices while it is inactive."
            ),
        }


class CompanySearchForm(forms.Form):
    q = forms.CharField(label=_("Name, ICE or city"), required=False, max_length=100)
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Inactive"))],
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Your colleague's email"))


class CompanyAddressForm(forms.ModelForm):
    class Meta:
        model = CompanyAddress
        fields = ["label", "line1", "line2", "city", "postcode", "country", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}
        help_texts = {"label": _("E.g. “Warehouse Ain Sebaa”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["country"].initial = MOROCCO

    def clean_phone(self) -> str:
        return _phone_clean(self.cleaned_data.get("phone"), required=False)
