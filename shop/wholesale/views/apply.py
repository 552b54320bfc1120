"""Buyer area: the professionals' landing page and the application form."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from shop.wholesale.access import membership_get
from shop.wholesale.forms.accounts import ApplicationForm
from shop.wholesale.models import Application
from shop.wholesale.services.accounts import (
    AccountRefused,
    application_pending_get,
    application_submit,
)


class HomeView(TemplateView):
    """What the office offers professionals; the way in for each visitor."""

    template_name = "wholesale/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "membership": membership_get(user=user),
            "pending_application": application_pending_get(user=user),
        }


class ApplyView(LoginRequiredMixin, FormView):
    """A signed-in person applies for their business (one pending at a time)."""

    template_name = "wholesale/apply.html"
    form_class = ApplicationForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        membership = membership_get(user=request.user)
        if membership is not None:
            messages.info(
                request,
                _("You already buy for %(company)s.")
                % {"company": membership.company.name},
            )
            return redirect("wholesale:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        user = self.request.user
        return {"contact_name": user.get_full_name(), "email": user.email}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "pending_application": application_pending_get(user=user),
            "last_rejected": Application.objects.filter(
                applicant=user, status=Application.Status.REJECTED
            )
            .order_by("-reviewed_at")
            .first(),
        }

    def form_valid(self, form):
        try:
            application = application_submit(
                applicant=self.request.user,
                details=form.cleaned_data,
                language=get_language(),
            )
        except AccountRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Thank you: the application for %(name)s has been sent. We answer "
                "by email."
            )
            % {"name": application.name},
        )
        return redirect(reverse("wholesale:apply"))


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("apply/", ApplyView.as_view(), name="apply"),
]
