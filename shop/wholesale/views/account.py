"""Buyer area: the buyer's home, the company account (buyers, invitations,
delivery addresses) and accepting an invitation.

Other modules of shop/wholesale/views/ may put a part on the buyer's home:
a module-level `home_sections` list of callables `(*, request, company)`
returning a dict with a "template" (included with `section` in its context)
or None to show nothing.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView, UpdateView

from shop.wholesale.access import BuyerMixin, membership_get
from shop.wholesale.forms.accounts import CompanyAddressForm, InvitationForm
from shop.wholesale.models import CompanyAddress, Invitation
from shop.wholesale.services.accounts import (
    AccountRefused,
    company_address_delete,
    company_address_save,
    invitation_accept,
    invitation_cancel,
    invitation_check,
    invitation_expires_at,
    invitation_send,
    invitations_pending_get,
    membership_admin_set,
    membership_remove,
)


def home_sections_get(*, request, company) -> list[dict]:
    """The parts other buyer-area modules put on the buyer's home."""
    from shop.wholesale.urls import MODULES

    sections = []
    for module in MODULES:
        for section in getattr(module, "home_sections", ()):
            found = section(request=request, company=company)
            if found:
                sections.append(found)
    return sections


class DashboardView(BuyerMixin, TemplateView):
    """The buyer's home: their company and the way to its requests and catalogue."""

    template_name = "wholesale/dashboard.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "home_sections": home_sections_get(
                request=self.request, company=self.company
            ),
        }


class AccountView(BuyerMixin, TemplateView):
    """The company's buyers and addresses: every buyer reads, its admin manages."""

    template_name = "wholesale/account.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["members"] = self.company.memberships.select_related("user").order_by(
            "-is_admin", "user__last_name", "user__first_name", "user__email"
        )
        ctx["addresses"] = self.company.addresses.select_related("country")
        if self.membership.is_admin:
            ctx.setdefault("invite_form", InvitationForm())
            ctx["invitations"] = [
                (invitation, invitation_expires_at(invitation=invitation))
                for invitation in invitations_pending_get(company=self.company)
            ]
        return ctx


class InviteView(AccountView):
    admin_only = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = invitation_send(
                    company=self.company,
                    email=form.cleaned_data["email"],
                    by=request.user,
                )
            except AccountRefused as refusal:
                form.add_error("email", str(refusal))
            else:
                messages.success(
                    request,
                    _("An invitation has been sent to %(email)s.")
                    % {"email": invitation.email},
                )
                return redirect("wholesale:account")
        return self.render_to_response(self.get_context_data(invite_form=form))


class AdminActionView(BuyerMixin, View):
    """A company admin's one-click action on the account page (POST only)."""

    admin_only = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            message = self.act(request, **kwargs)
        except AccountRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, message)
        return redirect("wholesale:account")


def _person(user) -> str:
    return user.get_full_name() or user.email


class BuyerRemoveView(AdminActionView):
    def act(self, request, pk):
        membership = get_object_or_404(
            self.company.memberships.select_related("user", "company"), pk=pk
        )
        membership_remove(membership=membership, by=request.user)
        return _("%(person)s no longer buys for %(company)s.") % {
            "person": _person(membership.user),
            "company": self.company.name,
        }


class BuyerAdminView(AdminActionView):
    def act(self, request, pk):
        membership = get_object_or_404(
            self.company.memberships.select_related("user", "company"), pk=pk
        )
        is_admin = request.POST.get("is_admin") == "1"
        membership_admin_set(membership=membership, is_admin=is_admin, by=request.user)
        if is_admin:
            return _("%(person)s is now an admin of the company.") % {
                "person": _person(membership.user)
            }
        return _("%(person)s is now a buyer without admin rights.") % {
            "person": _person(membership.user)
        }


class InvitationCancelView(AdminActionView):
    def act(self, request, pk):
        invitation = get_object_or_404(
            self.company.invitations.select_related("company"), pk=pk
        )
        invitation_cancel(invitation=invitation, by=request.user)
        return _("The invitation to %(email)s has been withdrawn.") % {
            "email": invitation.email
        }


class AddressDeleteView(AdminActionView):
    def act(self, request, pk):
        address = get_object_or_404(
            self.company.addresses.select_related("company"), pk=pk
        )
        company_address_delete(address=address, by=request.user)
        return _("The address “%(label)s” has been deleted.") % {"label": address.label}


class AddressFormView(BuyerMixin, UpdateView):
    """Add (no pk) or change one of the company's delivery addresses."""

    admin_only = True
    form_class = CompanyAddressForm
    template_name = "wholesale/account_address.html"
    context_object_name = "address"

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return CompanyAddress(company=self.company)
        return get_object_or_404(self.company.addresses, pk=self.kwargs["pk"])

    def form_valid(self, form):
        try:
            address = company_address_save(
                company=self.company, address=form.instance, by=self.request.user
            )
        except AccountRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The address “%(label)s” has been saved.") % {"label": address.label},
        )
        return redirect("wholesale:account")


class InvitationView(View):
    """An invitation's link: who invites, and accepting it once signed in with
    the invited address."""

    template_name = "wholesale/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = get_object_or_404(
            Invitation.objects.select_related("company", "invited_by"),
            token=kwargs["token"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, token):
        invitation = self.invitation
        problem = None
        user = request.user if request.user.is_authenticated else None
        membership = membership_get(user=request.user)
        if membership and membership.company_id == invitation.company_id:
            return redirect("wholesale:dashboard")
        try:
            invitation_check(invitation=invitation, user=user)
        except AccountRefused as refusal:
            problem = str(refusal)
        return render(
            request,
            self.template_name,
            {
                "invitation": invitation,
                "company": invitation.company,
                "expires_at": invitation_expires_at(invitation=invitation),
                "problem": problem,
                "next": request.path,
            },
        )

    def post(self, request, token):
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            membership = invitation_accept(
                invitation=self.invitation, user=request.user
            )
        except AccountRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(request.path)
        messages.success(
            request,
            _("Welcome: you now buy for %(company)s.")
            % {"company": membership.company.name},
        )
        return redirect(reverse("wholesale:dashboard"))


urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("account/", AccountView.as_view(), name="account"),
    path("account/invite/", InviteView.as_view(), name="account-invite"),
    path(
        "account/buyers/<int:pk>/remove/",
        BuyerRemoveView.as_view(),
        name="account-buyer-remove",
    ),
    path(
        "account/buyers/<int:pk>/admin/",
        BuyerAdminView.as_view(),
        name="account-buyer-admin",
    ),
    path(
        "account/invitations/<int:pk>/withdraw/",
        InvitationCancelView.as_view(),
        name="account-invitation-cancel",
    ),
    path(
        "account/addresses/new/",
        AddressFormView.as_view(),
        name="account-address-create",
    ),
    path(
        "account/addresses/<int:pk>/",
        AddressFormView.as_view(),
        name="account-address-update",
    ),
    path(
        "account/addresses/<int:pk>/delete/",
        AddressDeleteView.as_view(),
        name="account-address-delete",
    ),
    path("invitation/<str:token>/", InvitationView.as_view(), name="invitation"),
]
