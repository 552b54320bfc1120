"""Forms of the buyer's requests for quote and answers to quotes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.wholesale.models import Incoterm
from shop.wholesale.pricing import orderable_products, product_for_sku_get
from shop.wholesale.services.requests import MESSAGE_MAX_LENGTH, request_lines_check
from shop.wholesale.uploads import KINDS, attachment_check

Country = get_model("address", "Country")


class RequestDetailsForm(forms.Form):
    """Delivery, incoterm, notes and attachment of a draft request."""

    delivery_date = forms.DateField(
        label=_("Requested delivery date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    delivery_city = forms.CharField(label=_("Delivery city"), max_length=100)
    delivery_country = forms.ModelChoiceField(
        label=_("Delivery country"),
        queryset=Country.objects.order_by("-display_order", "printable_name"),
        empty_label=None,
    )
    incoterm = forms.ChoiceField(
        label=_("Incoterm (for an export)"),
        choices=[("", _("None (delivery in Morocco)")), *Incoterm.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes for the office"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(
        label=_("Attachment (PDF or spreadsheet, 5 MB at most)"),
        required=False,
        widget=forms.FileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in KINDS)}
        ),
    )
    attachment_remove = forms.BooleanField(
        label=_("Remove the attachment"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_date"].widget.attrs["min"] = (
            timezone.localdate().isoformat()
        )

    @classmethod
    def for_request(cls, request, data=None, files=None):
        initial = {
            "delivery_date": request.delivery_date,
            "delivery_city": request.delivery_city,
            "delivery_country": request.delivery_country_id,
            "incoterm": request.incoterm,
            "notes": request.notes,
        }
        return cls(data, files, initial=initial)

    def clean_delivery_date(self):
        date = self.cleaned_data["delivery_date"]
        if date is not None and date < timezone.localdate():
            raise forms.ValidationError(
                _("The requested delivery date is past: choose another.")
            )
        return date

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            attachment_check(upload=upload)
        return upload

    def clean(self):
        data = super().clean()
        country = data.get("delivery_country")
        if country is not None and country.pk != "MA" and not data.get("incoterm"):
            self.add_error(
                "incoterm", _("Choose an incoterm: the goods leave Morocco.")
            )
        return data


class PacksField(forms.CharField):
    """Packs as typed: the request's rules say what is wrong with "2.5"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Packs"))
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
        )
        super().__init__(**kwargs)


class LineAddForm(forms.Form):
    """A product by SKU (or id, from a product page) and its packs."""

    code = forms.CharField(label=_("SKU"), max_length=100, required=False)
    product = forms.IntegerField(required=False, widget=forms.HiddenInput)
    packs = PacksField()

    @classmethod
    def from_query(cls, query):
        """The form a product page's link opens: bound when it names a
        product, with the product's minimum in packs unless packs are given."""
        if not query.get("product"):
            return cls(initial={"code": query.get("code", "")})
        data = query.copy()
        if not data.get("packs") and str(data["product"]).isdecimal():
            product = orderable_products().filter(pk=data["product"]).first()
            if product is not None:
                size = product.wholesale_pack_size or 1
                data["packs"] = str(
                    max(-(-(product.minimum_order_quantity or 1) // size), 1)
                )
        return cls(data)

    @property
    def chosen_product(self):
        """The product the form names, once valid."""
        return getattr(self, "cleaned_data", {}).get("product_obj")

    def clean(self):
        data = super().clean()
        product = None
        if data.get("product"):
            product = orderable_products().filter(pk=data["product"]).first()
            if product is None:
                raise forms.ValidationError(_("This product is not sold any more."))
        elif (data.get("code") or "").strip():
            product = product_for_sku_get(sku=data["code"])
            if product is None:
                self.add_error(
                    "code",
                    _("No product has the SKU “%(code)s”.")
                    % {"code": data["code"].strip()},
                )
                return data
        else:
            raise forms.ValidationError(_("Type the product's SKU."))
        data["product_obj"] = product
        if "packs" in data:
            for problem in request_lines_check(lines=[(product, data["packs"])]):
                self.add_error("packs", problem.message)
        return data


class LinePacksForm(forms.Form):
    """A draft line's new number of packs (0 removes it)."""

    line = forms.IntegerField(widget=forms.HiddenInput)
    packs = PacksField()

    def __init__(self, *args, line_pk=None, **kwargs):
        # One form per line on the page: ids by line.
        if line_pk is None and args and args[0]:
            posted = str(args[0].get("line", ""))
            line_pk = posted if posted.isdecimal() else ""
        kwargs.setdefault("auto_id", f"id_line{line_pk}_%s")
        super().__init__(*args, **kwargs)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuoteAnswerForm(forms.Form):
    """The version answered: a newer one sent meanwhile must be read first."""

    # Three answer forms share a page: their ids must not collide.
    id_prefix = "accept"

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class QuoteDeclineForm(QuoteAnswerForm):
    id_prefix = "decline"

    reason = forms.CharField(
        label=_("Why do you decline?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuoteReviseForm(QuoteAnswerForm):
    id_prefix = "revise"

    message = forms.CharField(
        label=_("What should the office change?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
