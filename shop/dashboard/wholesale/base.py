"""What every wholesale page of the dashboard shares: office staff only."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse_lazy


class OfficeMixin(LoginRequiredMixin):
    """Signed-in staff holding `permission` (the office role has them all)."""

    permission = "wholesale.view_company"
    login_url = reverse_lazy("dashboard:login")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (request.user.is_staff and request.user.has_perm(self.permission)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
