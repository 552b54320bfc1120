"""Cooperatives dashboard views: thin adapters over catalog.selectors and forms."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from catalog import selectors
from catalog.dashboard.forms import (
    CertificationForm,
    CooperativeForm,
    CooperativeSearchForm,
)
from catalog.models import Certification, Cooperative

EXPIRY_WARNING_DAYS = 60


class CooperativeListView(generic.ListView):
    template_name = "oscar/dashboard/cooperatives/cooperative_list.html"
    context_object_name = "cooperatives"
    paginate_by = 20

    def get_queryset(self):
        self.form = CooperativeSearchForm(self.request.GET)
        if not self.form.is_valid():
            return selectors.cooperative_list()
        return selectors.cooperative_list(
            query=self.form.cleaned_data["q"].strip(),
            region=self.form.cleaned_data["region"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = self.form
        ctx["is_filtered"] = any(self.request.GET.get(key) for key in ("q", "region"))
        return ctx


class CooperativeCreateView(generic.CreateView):
    model = Cooperative
    form_class = CooperativeForm
    template_name = "oscar/dashboard/cooperatives/cooperative_form.html"

    def get_success_url(self):
        messages.success(
            self.request,
            _("Cooperative “%(name)s” was created.") % {"name": self.object.name},
        )
        return reverse("dashboard:cooperative-update", kwargs={"pk": self.object.pk})


class CooperativeUpdateView(generic.UpdateView):
    model = Cooperative
    form_class = CooperativeForm
    template_name = "oscar/dashboard/cooperatives/cooperative_form.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["certifications"] = selectors.certification_list_for_cooperative(
            cooperative=self.object
        )
        return ctx

    def get_success_url(self):
        messages.success(
            self.request,
            _("Cooperative “%(name)s” was saved.") % {"name": self.object.name},
        )
        return reverse("dashboard:cooperative-list")


class BackToCooperativeMixin:
    """After a certification change, return to its cooperative with a message."""

    success_message = ""

    def get_success_url(self):
        messages.success(
            self.request, self.success_message % {"name": self.object.name}
        )
        return reverse(
            "dashboard:cooperative-update", kwargs={"pk": self.object.cooperative_id}
        )


class CertificationFormMixin(BackToCooperativeMixin):
    model = Certification
    form_class = CertificationForm
    template_name = "oscar/dashboard/cooperatives/certification_form.html"
    success_message = _("Certification “%(name)s” was saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cooperative": self.get_cooperative()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cooperative": self.cooperative}


class CertificationCreateView(CertificationFormMixin, generic.CreateView):
    def get_cooperative(self):
        self.cooperative = get_object_or_404(Cooperative, pk=self.kwargs["pk"])
        return self.cooperative


class CertificationUpdateView(CertificationFormMixin, generic.UpdateView):
    def get_queryset(self):
        return Certification.objects.select_related("cooperative")

    def get_cooperative(self):
        self.cooperative = self.object.cooperative
        return self.cooperative


class CertificationDeleteView(BackToCooperativeMixin, generic.DeleteView):
    template_name = "oscar/dashboard/cooperatives/certification_delete.html"
    success_message = _("Certification “%(name)s” was deleted.")

    def get_queryset(self):
        return Certification.objects.select_related("cooperative")


class CertificationExpiringListView(generic.ListView):
    template_name = "oscar/dashboard/cooperatives/certification_expiring.html"
    context_object_name = "certifications"
    paginate_by = 50

    def get_queryset(self):
        return selectors.certification_expiring_list(within_days=EXPIRY_WARNING_DAYS)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "days": EXPIRY_WARNING_DAYS}
