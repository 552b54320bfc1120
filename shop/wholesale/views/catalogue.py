"""Buyer area: the wholesale catalogue (pack sizes, minimum orders, the
company's prices, stock) and quick entry of "SKU packs" lines into a request."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from catalog.models import Cooperative
from shop.wholesale.access import BuyerMixin
from shop.wholesale.pricing import (
    CatalogueFilters,
    EntryLine,
    catalogue_page_get,
    quick_entry_parse,
)
from shop.wholesale.services.requests import (
    RequestRefused,
    request_draft_ensure,
    request_line_set,
)
from shop.wholesale.services.states import TransitionRefused

Category = get_model("catalogue", "Category")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # The tree's order, indented by depth: one query, no ancestors' names.
        return f"{'— ' * (obj.depth - 1)}{obj.name}"


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("path"),
        required=False,
        empty_label=_("All categories"),
    )
    cooperative = forms.ModelChoiceField(
        label=_("Cooperative"),
        queryset=Cooperative.objects.active().order_by("name"),
        required=False,
        empty_label=_("All cooperatives"),
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)

    def filters(self) -> CatalogueFilters:
        if not self.is_valid():
            return CatalogueFilters()
        data = self.cleaned_data
        return CatalogueFilters(
            text=" ".join(data["q"].split()),
            category=data["category"],
            cooperative=data["cooperative"],
            in_stock=data["in_stock"],
        )


class QuickEntryForm(forms.Form):
    lines = forms.CharField(
        label=_("SKU and packs, one product per line"),
        max_length=10_000,
        widget=forms.Textarea(
            attrs={"rows": 6, "spellcheck": "false", "placeholder": "ARGALI-TGH-250 10"}
        ),
        help_text=_("For example “ARGALI-TGH-250 10”: ten packs of that product."),
    )


class CatalogueView(BuyerMixin, TemplateView):
    """The catalogue as the company's buyers see it, and quick entry by SKU."""

    template_name = "wholesale/catalogue.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filter_form = CatalogueFilterForm(self.request.GET or None)
        filters = filter_form.filters() if filter_form.is_bound else CatalogueFilters()
        ctx["filter_form"] = filter_form
        ctx["catalogue"] = catalogue_page_get(
            company=self.company,
            filters=filters,
            page_number=self.request.GET.get("page", 1),
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_string"] = query.urlencode()
        ctx.setdefault("entry_form", QuickEntryForm())
        return ctx

    def post(self, request, *args, **kwargs):
        form = QuickEntryForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(entry_form=form))
        entries = quick_entry_parse(
            text=form.cleaned_data["lines"], company=self.company
        )
        refused = [entry for entry in entries if entry.error]
        added, draft = self._add(entries, refused)
        if added:
            messages.success(
                request,
                ngettext(
                    "%(count)s product added to request %(number)s.",
                    "%(count)s products added to request %(number)s.",
                    added,
                )
                % {"count": added, "number": draft.number},
            )
        if not refused:
            return redirect("wholesale:request", pk=draft.pk)
        # The refused lines stay in the box to be corrected; the others are in.
        form = QuickEntryForm(
            initial={"lines": "\n".join(entry.text for entry in refused)}
        )
        return self.render_to_response(
            self.get_context_data(entry_form=form, refused=refused, draft=draft)
        )

    def _add(self, entries, refused):
        good = [entry for entry in entries if not entry.error]
        if not good:
            return 0, None
        draft = request_draft_ensure(company=self.company, by=self.request.user)
        added = 0
        for entry in good:
            try:
                request_line_set(
                    request=draft,
                    product=entry.product,
                    packs=entry.packs,
                    by=self.request.user,
                )
            except (RequestRefused, TransitionRefused) as refusal:
                message = " ".join(getattr(refusal, "messages", [str(refusal)]))
                refused.append(
                    EntryLine(entry.number, entry.text, entry.product, error=message)
                )
                continue
            added += 1
        refused.sort(key=lambda entry: entry.number)
        return added, draft


def catalogue_home_section(*, request, company):
    """The catalogue's part of the buyer's home."""
    return {"template": "wholesale/catalogue_home_section.html"}


home_sections = [catalogue_home_section]

urlpatterns = [
    path("catalogue/", CatalogueView.as_view(), name="catalogue"),
]
