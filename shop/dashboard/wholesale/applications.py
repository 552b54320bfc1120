"""Wholesale applications in the dashboard: the queue, oldest first, and
approving or rejecting each one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from shop.dashboard.wholesale.base import OfficeMixin
from shop.wholesale.forms.accounts import ApplicationFilterForm, RejectForm
from shop.wholesale.models import Application
from shop.wholesale.services.accounts import (
    AccountRefused,
    application_approve,
    application_reject,
)

REVIEW = "wholesale.review_application"


class ApplicationListView(OfficeMixin, ListView):
    """Applications to review, oldest first; pending ones unless filtered."""

    permission = REVIEW
    template_name = "oscar/dashboard/wholesale/application_list.html"
    context_object_name = "applications"
    paginate_by = 25

    def get_queryset(self):
        self.form = ApplicationFilterForm(
            self.request.GET or {"status": Application.Status.PENDING}
        )
        status = (
            self.form.cleaned_data["status"] if self.form.is_valid() else ""
        ) or Application.Status.PENDING
        applications = Application.objects.select_related(
            "applicant", "country", "company"
        ).order_by("created", "pk")
        if status != ApplicationFilterForm.ALL:
            applications = applications.filter(status=status)
        return applications

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form": self.form}


class ApplicationDetailView(OfficeMixin, DetailView):
    permission = REVIEW
    template_name = "oscar/dashboard/wholesale/application_detail.html"
    context_object_name = "application"
    queryset = Application.objects.select_related(
        "applicant", "country", "company", "reviewed_by"
    )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("reject_form", RejectForm())
        return ctx


class ApplicationApproveView(OfficeMixin, View):
    permission = REVIEW
    http_method_names = ["post"]

    def post(self, request, pk):
        application = get_object_or_404(Application, pk=pk)
        try:
            company = application_approve(application=application, by=request.user)
        except AccountRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("dashboard:wholesale-application", pk=pk)
        messages.success(
            request,
            _(
                "%(company)s is approved: its account is open and its applicant "
                "has been emailed. Set its payment terms and credit limit here."
            )
            % {"company": company.name},
        )
        return redirect("dashboard:wholesale-company", pk=company.pk)


class ApplicationRejectView(ApplicationDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        self.object = application = self.get_object()
        form = RejectForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(reject_form=form))
        try:
            application_reject(
                application=application,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except AccountRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("dashboard:wholesale-application", pk=pk)
        messages.success(
            request,
            _(
                "The application of %(name)s is rejected; its applicant has been "
                "told why."
            )
            % {"name": application.name},
        )
        return redirect(reverse("dashboard:wholesale-applications"))


urlpatterns = [
    path(
        "applications/",
        ApplicationListView.as_view(),
        name="wholesale-applications",
    ),
    path(
        "applications/<int:pk>/",
        ApplicationDetailView.as_view(),
        name="wholesale-application",
    ),
    path(
        "applications/<int:pk>/approve/",
        ApplicationApproveView.as_view(),
        name="wholesale-application-approve",
    ),
    path(
        "applications/<int:pk>/reject/",
        ApplicationRejectView.as_view(),
        name="wholesale-application-reject",
    ),
]
