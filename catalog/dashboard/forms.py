"""Forms of the cooperatives dashboard (office staff)."""

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.models import Certification, Cooperative, Product, Region
from catalog.translation import FrenchRequiredMixin, language_fields

# A scanned certificate is a few hundred kilobytes; anything far larger is a
# mistake (a photo album, a video) that would bloat media storage.
MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024

# The browser's date picker reads and writes ISO dates whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CooperativeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, city or registration number"), required=False, max_length=100
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("All regions")), *Region.choices],
    )


class CooperativeForm(FrenchRequiredMixin, forms.ModelForm):
    """Name and story in each language (a blank one reads in French)."""

    french_required = ("name",)

    class Meta:
        model = Cooperative
        fields = language_fields(
            [
                "name",
                "slug",
                "legal_number",
                "region",
                "city",
                "founded_year",
                "members",
                "women_members",
                "convention_signed_on",
                "status",
                "story",
                "logo",
            ],
            ("name", "story"),
        )
        widgets = {"convention_signed_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Leave blank to generate from the name.")

    def clean_slug(self):
        french = self.cleaned_data.get(f"name_{settings.LANGUAGE_CODE}") or ""
        return self.cleaned_data["slug"] or slugify(french)


class CertificationForm(forms.ModelForm):
    """A certification of one cooperative, covering only that cooperative's products."""

    class Meta:
        model = Certification
        fields = [
            "scheme",
            "name",
            "certificate_number",
            "certifying_body",
            "valid_from",
            "valid_until",
            "document",
            "products",
        ]
        widgets = {
            "valid_from": DATE_INPUT,
            "valid_until": DATE_INPUT,
            "products": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cooperative = cooperative
        self.fields["products"].queryset = Product.objects.filter(
            cooperative=cooperative, parent__isnull=True
        ).order_by("title")

    def clean_document(self):
        document = self.cleaned_data.get("document")
        # Only a new upload has a content_type; an unchanged file is already checked.
        if not document or not hasattr(document, "content_type"):
            return document
        if document.size > MAX_CERTIFICATE_BYTES:
            raise forms.ValidationError(
                _("The certificate is too large (at most %(size)s MB).")
                % {"size": MAX_CERTIFICATE_BYTES // (1024 * 1024)}
            )
        head = document.read(5)
        document.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(
                _("This file is not a PDF document; upload the certificate as a PDF.")
            )
        return document
