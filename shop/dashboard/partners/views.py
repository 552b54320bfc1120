"""Overrides oscar.apps.dashboard.partners.views: stock locations and store staff.

Office staff open a store from here: a partner of kind "pilot store" (with its
city, address and phone) and its staff. Oscar gives every non-staff user linked
to a partner the `partner.dashboard_access` permission; the users of a pilot
store get the store staff role instead (shop.roles): they work at the counter,
not in the dashboard. Other partners keep Oscar's behaviour.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.dashboard.partners import views

from cms.models import StorePage
from shop.dashboard.partners.forms import (
    ExistingUserForm,
    NewUserForm,
    PartnerCreateForm,
    PartnerForm,
)
from shop.partner.models import Partner
from shop.roles.roles import ROLE_LABELS
from shop.roles.selectors import user_role_get
from shop.roles.services import store_roles_release, store_staff_enrol


class PartnerCreateView(views.PartnerCreateView):
    form_class = PartnerCreateForm

    def get_success_url(self):
        messages.success(
            self.request,
            _("Partner '%s' was created successfully.") % self.object.name,
        )
        return reverse("dashboard:partner-manage", kwargs={"pk": self.object.pk})


class PartnerManageView(views.PartnerManageView):
    """The partner's details (kind, city, address, phone), users and store page."""

    form_class = PartnerForm

    def get_object(self, queryset=None):
        self.partner = get_object_or_404(Partner, pk=self.kwargs["pk"])
        return self.partner

    def get_initial(self):
        return {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["users"] = [
            (user, ROLE_LABELS.get(user_role_get(user=user)))
            for user in self.partner.users.all()
        ]
        if self.partner.is_store:
            ctx["store_pages"] = StorePage.objects.filter(partner=self.partner)
        return ctx

    def form_valid(self, form):
        messages.success(
            self.request,
            _("Partner '%s' was updated successfully.") % form.instance.name,
        )
        # Oscar's form_valid saves an address; the form here is the partner.
        return super(views.PartnerManageView, self).form_valid(form)


class PartnerUserCreateView(views.PartnerUserCreateView):
    form_class = NewUserForm

    def get_success_url(self):
        super().get_success_url()
        return reverse("dashboard:partner-manage", kwargs={"pk": self.partner.pk})


class PartnerUserLinkView(views.PartnerUserLinkView):
    def link_user(self, user, partner):
        if not partner.is_store:
            return super().link_user(user, partner)
        if partner.users.filter(pk=user.pk).exists():
            return False
        partner.users.add(user)
        store_staff_enrol(user=user, partner=partner)
        return True


class PartnerUserUnlinkView(views.PartnerUserUnlinkView):
    def unlink_user(self, user, partner):
        unlinked = super().unlink_user(user, partner)
        if unlinked:
            store_roles_release(user=user)
        return unlinked


class PartnerUserUpdateView(views.PartnerUserUpdateView):
    form_class = ExistingUserForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["partner"] = self.partner
        return kwargs

    def get_success_url(self):
        super().get_success_url()
        return reverse("dashboard:partner-manage", kwargs={"pk": self.partner.pk})
