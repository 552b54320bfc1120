"""Wholesale companies in the dashboard: details, payment terms granted,
credit limit and active flag; their buyers and addresses to read.

A company's negotiated price list is another page (`wholesale-company-prices`),
linked from the company's page once it is routed.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import ListView, UpdateView

from shop.dashboard.wholesale.base import OfficeMixin
from shop.wholesale.forms.accounts import CompanyForm, CompanySearchForm
from shop.wholesale.models import Company
from shop.wholesale.services.accounts import (
    company_save,
    invitation_expires_at,
    invitations_pending_get,
)


class CompanyListView(OfficeMixin, ListView):
    permission = "wholesale.view_company"
    template_name = "oscar/dashboard/wholesale/company_list.html"
    context_object_name = "companies"
    paginate_by = 25

    def get_queryset(self):
        self.form = CompanySearchForm(self.request.GET)
        companies = (
            Company.objects.select_related("country")
            .annotate(buyer_count=Count("memberships"))
            .order_by("name", "pk")
        )
        if not self.form.is_valid():
            return companies
        query = self.form.cleaned_data["q"].strip()
        if query:
            companies = companies.filter(
                Q(name__icontains=query)
                | Q(ice__startswith=query.replace(" ", ""))
                | Q(city__icontains=query)
            )
        active = self.form.cleaned_data["active"]
        if active:
            companies = companies.filter(is_active=active == "yes")
        return companies

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "form": self.form,
            "is_filtered": any(self.request.GET.get(key) for key in ("q", "active")),
        }


class CompanyDetailView(OfficeMixin, UpdateView):
    """One company: its details and terms to edit, its people and addresses."""

    permission = "wholesale.change_company"
    template_name = "oscar/dashboard/wholesale/company_detail.html"
    context_object_name = "company"
    form_class = CompanyForm
    queryset = Company.objects.select_related("country")

    def get_context_data(self, **kwargs):
        company = self.object
        return {
            **super().get_context_data(**kwargs),
            "members": company.memberships.select_related("user").order_by(
                "-is_admin", "user__last_name", "user__email"
            ),
            "addresses": company.addresses.select_related("country"),
            "invitations": [
                (invitation, invitation_expires_at(invitation=invitation))
                for invitation in invitations_pending_get(company=company)
            ],
            "application": getattr(company, "application", None),
        }

    def form_valid(self, form):
        company = company_save(company=form.instance, by=self.request.user)
        messages.success(
            self.request, _("%(company)s has been saved.") % {"company": company.name}
        )
        return redirect("dashboard:wholesale-company", pk=company.pk)


urlpatterns = [
    path("companies/", CompanyListView.as_view(), name="wholesale-companies"),
    path("companies/<int:pk>/", CompanyDetailView.as_view(), name="wholesale-company"),
]
