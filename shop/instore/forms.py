"""Forms of the counter: what staff type, checked before a service acts."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shop.instore.services.sales import MAX_QUANTITY
from shop.payments.models import CheckoutPayment
from shop.sales.context import Fulfilment

Method = CheckoutPayment.Method
MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0.00")}


class AddLineForm(forms.Form):
    """A scanned or typed code, or a product picked from the lookup."""

    code = forms.CharField(
        label=_("Barcode, SKU or product"), max_length=100, required=False
    )
    product = forms.IntegerField(required=False, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1
    )

    def clean(self):
        data = super().clean()
        if not data.get("product") and not (data.get("code") or "").strip():
            raise forms.ValidationError(_("Scan a barcode or type a product name."))
        return data


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=0, max_value=MAX_QUANTITY
    )


class DiscountForm(forms.Form):
    percent = forms.DecimalField(
        label=_("Discount (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CustomerFindForm(forms.Form):
    query = forms.CharField(label=_("Phone or email"), max_length=120)


class CustomerCreateForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Receipt language"), choices=lambda: settings.LANGUAGES
    )


class FulfilmentForm(forms.Form):
    fulfilment = forms.ChoiceField(
        label=_("The customer"),
        choices=[
            (Fulfilment.TAKE_AWAY, _("Takes the goods now")),
            (Fulfilment.COLLECT, _("Collects them later at this store")),
            (Fulfilment.DELIVERY, _("Has them delivered")),
        ],
        widget=forms.RadioSelect,
    )
    pickup_date = forms.DateField(
        label=_("Pickup date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=255, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=255, required=False)
    line1 = forms.CharField(label=_("Address"), max_length=255, required=False)
    line4 = forms.CharField(label=_("City"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=64, required=False)
    phone_number = forms.CharField(label=_("Phone"), max_length=32, required=False)

    ADDRESS_REQUIRED = ("first_name", "line1", "line4", "phone_number")

    def clean(self):
        data = super().clean()
        if data.get("fulfilment") == Fulfilment.COLLECT and not data.get("pickup_date"):
            self.add_error("pickup_date", _("Choose the pickup date."))
        if data.get("fulfilment") == Fulfilment.DELIVERY:
            for name in self.ADDRESS_REQUIRED:
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Needed for the delivery."))
        return data

    def address(self) -> dict:
        data = self.cleaned_data
        if data["fulfilment"] != Fulfilment.DELIVERY:
            return {}
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "line1": data["line1"].strip(),
            "line4": data["line4"].strip(),
            "postcode": data["postcode"].strip(),
            "phone_number": data["phone_number"].strip(),
            "country_id": "MA",
        }


class PaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Payment"),
        choices=[
            (Method.CASH, Method.CASH.label),
            (Method.CARD_TERMINAL, Method.CARD_TERMINAL.label),
            (Method.SPLIT, Method.SPLIT.label),
            (Method.CASH_ON_DELIVERY, _("Pay on delivery")),
        ],
        widget=forms.RadioSelect,
        initial=Method.CASH,
    )
    cash_tendered = forms.DecimalField(
        label=_("Cash tendered"), required=False, **MONEY
    )
    card_amount = forms.DecimalField(label=_("Paid by card"), required=False, **MONEY)
    card_reference = forms.CharField(
        label=_("Terminal slip reference"), max_length=64, required=False
    )


class ParkForm(forms.Form):
    label = forms.CharField(
        label=_("Name it (to find it again)"), max_length=80, required=False
    )
