"""Who is a wholesale buyer, of which company, and who manages it."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from shop.wholesale.models import Membership


def membership_get(*, user) -> Membership | None:
    """The user's buyer membership of an active company, if any."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_wholesale_membership", False)
    if cached is not False:
        return cached
    membership = (
        Membership.objects.select_related("company")
        .filter(user=user, company__is_active=True)
        .first()
    )
    user._wholesale_membership = membership
    return membership


class BuyerMixin(LoginRequiredMixin):
    """A page of the buyer area: signed in and buying for an active company.

    `admin_only` pages (buyers, addresses) are for the company's admin.
    """

    admin_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = membership_get(user=request.user)
        if self.membership is None or (
            self.admin_only and not self.membership.is_admin
        ):
            raise PermissionDenied
        self.company = self.membership.company
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["company"] = self.company
        ctx["membership"] = self.membership
        return ctx
