"""Keep office staff who have not given their second factor out of the back office."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from shop.twofactor.selectors import (
    confirmed_device_get,
    two_factor_applies,
    two_factor_required,
)
from shop.url_paths import path_of

# Where the back office starts; the counter (/store/) and the shop are not in it.
PROTECTED = ("dashboard:index", "wagtailadmin_home", "admin:index")
# Signing out stays possible before the code.
OPEN = ("dashboard:logout", "wagtailadmin_logout", "admin:logout")


def _paths(names) -> list[str]:
    paths = []
    for name in names:
        try:
            paths.append(path_of(name))
        except NoReverseMatch:  # an admin that is not mounted
            continue
    return paths


def _wants_json(request) -> bool:
    return (
        request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or request.get_preferred_type(["text/html", "application/json"])
        == "application/json"
    )


class StaffTwoFactorMiddleware:
    """Send staff to the code page (or, without a device while required, to set
    one up) before the dashboard, the Wagtail admin and the Django admin.

    After django_otp's OTPMiddleware, which marks `request.user.is_verified()`.
    The dashboard's JSON endpoints answer 403 with the page to go to instead of
    a redirect a script would follow blindly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The language prefix of the dashboard is the active language's
        # (LocaleMiddleware ran before); reverse() includes the script prefix,
        # as request.path does.
        path = request.path
        if any(
            path.startswith(prefix) for prefix in _paths(PROTECTED)
        ) and path not in _paths(OPEN):
            refused = self._refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refusal(self, request):
        user = request.user
        if not two_factor_applies(user=user) or user.is_verified():
            return None
        if confirmed_device_get(user=user) is not None:
            target = reverse("twofactor:verify")
        elif two_factor_required():
            target = reverse("twofactor:enrol")
        else:
            return None
        if request.method in ("GET", "HEAD"):
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if _wants_json(request):
            return JsonResponse(
                {
                    "detail": _("Enter the code of your authenticator app first."),
                    "verify_url": target,
                },
                status=403,
            )
        return redirect(target)
