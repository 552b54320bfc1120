"""Wholesale prices in the dashboard: volume tiers per product, and a company's
negotiated price list."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from oscar.templatetags.currency_filters import currency

from shop.dashboard.wholesale.base import OfficeMixin
from shop.wholesale.models import Company, PriceListItem, PriceTier
from shop.wholesale.pricing import (
    TIERS_CURRENCY,
    offers_get,
    orderable_products,
    orderable_products_search,
    product_for_sku_get,
)
from shop.wholesale.services.prices import (
    price_list_item_remove,
    price_list_item_set,
    price_tiers_check,
    price_tiers_replace,
)

MONEY_FIELD = {
    "max_digits": 12,
    "decimal_places": 2,
    "min_value": Decimal("0.01"),
}


class ProductSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Title or SKU"), max_length=100, required=False
    )


def _labelled(widget, label):
    # Formset rows are table cells under a column heading: the label is for
    # screen readers.
    return widget(attrs={"aria-label": label, "class": "form-control"})


class TierForm(forms.Form):
    min_packs = forms.IntegerField(
        label=gettext_lazy("From (packs)"),
        min_value=1,
        max_value=100_000,
        widget=_labelled(forms.NumberInput, gettext_lazy("From (packs)")),
    )
    unit_price = forms.DecimalField(
        label=gettext_lazy("Unit price (MAD)"),
        widget=_labelled(forms.NumberInput, gettext_lazy("Unit price (MAD)")),
        **MONEY_FIELD,
    )


class BaseTierFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        tiers = [
            (form.cleaned_data["min_packs"], form.cleaned_data["unit_price"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            self.checked = price_tiers_check(tiers=tiers)
        except ValidationError as refused:
            raise ValidationError(refused.messages) from refused


TierFormSet = forms.formset_factory(
    TierForm, formset=BaseTierFormSet, extra=3, can_delete=True, max_num=20
)


class TierProductsView(OfficeMixin, generic.TemplateView):
    """Find a product by title or SKU to set its volume prices."""

    permission = "wholesale.change_pricetier"
    template_name = "oscar/dashboard/wholesale/tiers.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ProductSearchForm(self.request.GET)
        text = form.cleaned_data["q"].strip() if form.is_valid() else ""
        ctx["search_form"] = form
        ctx["query"] = text
        if text:
            ctx["products"], ctx["degraded"] = orderable_products_search(text=text)
        else:
            # Without a search: the products that already have volume prices.
            ctx["products"] = (
                orderable_products()
                .filter(price_tiers__isnull=False)
                .annotate(tier_count=Count("price_tiers"))
                .select_related("parent")
                .order_by("title")
            )
        return ctx


class ProductTiersView(OfficeMixin, generic.TemplateView):
    """Set a product's volume prices: from how many packs, at what unit price."""

    permission = "wholesale.change_pricetier"
    template_name = "oscar/dashboard/wholesale/tiers.html"

    def dispatch(self, request, *args, **kwargs):
        self.product = get_object_or_404(
            orderable_products().select_related("parent"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("formset", TierFormSet(initial=self._initial()))
        ctx["product"] = self.product
        ctx["search_form"] = ProductSearchForm()
        ctx["tiers_currency"] = TIERS_CURRENCY
        return ctx

    def _initial(self):
        return [
            {"min_packs": tier.min_packs, "unit_price": tier.unit_price}
            for tier in PriceTier.objects.filter(product=self.product)
        ]

    def post(self, request, *args, **kwargs):
        formset = TierFormSet(request.POST, initial=self._initial())
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        checked = price_tiers_replace(
            product=self.product, tiers=formset.checked.tiers, by=request.user
        )
        messages.success(
            request,
            _("Volume prices of “%(title)s” saved.")
            % {"title": self.product.get_title()},
        )
        for warning in checked.warnings:
            messages.warning(request, warning)
        return redirect("dashboard:wholesale-product-tiers", pk=self.product.pk)


class NegotiatedPriceForm(forms.Form):
    sku = forms.CharField(label=gettext_lazy("SKU"), max_length=128)
    unit_price = forms.DecimalField(label=gettext_lazy("Unit price"), **MONEY_FIELD)

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        self.product = product_for_sku_get(sku=sku)
        if self.product is None:
            raise ValidationError(_("No product has the SKU “%(sku)s”.") % {"sku": sku})
        return sku


class RemovePriceForm(forms.Form):
    sku = forms.CharField(max_length=128)


class CompanyPricesView(OfficeMixin, generic.TemplateView):
    """A company's negotiated unit prices, in its quote currency: add, change,
    remove by SKU."""

    permission = "wholesale.change_pricelistitem"
    template_name = "oscar/dashboard/wholesale/company_prices.html"

    def dispatch(self, request, *args, **kwargs):
        self.company = get_object_or_404(Company, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", NegotiatedPriceForm())
        items = list(
            PriceListItem.objects.filter(company=self.company)
            .select_related("product", "product__parent")
            .order_by("product__title", "pk")
        )
        offers = offers_get(
            products=[item.product for item in items], company=self.company
        )
        ctx["rows"] = [(item, offers[item.product_id]) for item in items]
        ctx["company"] = self.company
        ctx["tiers_currency"] = TIERS_CURRENCY
        return ctx

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "remove":
            return self._remove(request)
        form = NegotiatedPriceForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        unit_price = form.cleaned_data["unit_price"]
        _item, created = price_list_item_set(
            company=self.company,
            product=form.product,
            unit_price=unit_price,
            by=request.user,
        )
        message = (
            _("%(company)s now pays %(price)s per unit of “%(title)s”.")
            if created
            else _(
                "The price of “%(title)s” for %(company)s is now %(price)s per unit."
            )
        )
        messages.success(
            request,
            message
            % {
                "company": self.company.name,
                "title": form.product.get_title(),
                "price": currency(unit_price, self.company.currency),
            },
        )
        return redirect("dashboard:wholesale-company-prices", pk=self.company.pk)

    def _remove(self, request):
        form = RemovePriceForm(request.POST)
        product = (
            product_for_sku_get(sku=form.cleaned_data["sku"])
            if form.is_valid()
            else None
        )
        if product is not None and price_list_item_remove(
            company=self.company, product=product, by=request.user
        ):
            messages.success(
                request,
                _("“%(title)s” is off the price list of %(company)s.")
                % {"title": product.get_title(), "company": self.company.name},
            )
        else:
            messages.error(request, _("That product is not on this price list."))
        return redirect("dashboard:wholesale-company-prices", pk=self.company.pk)


urlpatterns = [
    path(
        "prices/tiers/",
        TierProductsView.as_view(),
        name="wholesale-tiers",
    ),
    path(
        "prices/tiers/<int:pk>/",
        ProductTiersView.as_view(),
        name="wholesale-product-tiers",
    ),
    path(
        "companies/<int:pk>/prices/",
        CompanyPricesView.as_view(),
        name="wholesale-company-prices",
    ),
]
