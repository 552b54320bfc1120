"""The code page after the password, and setting up an authenticator app."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from shop.redirects import safe_next_url
from shop.twofactor import selectors, services
from shop.twofactor.forms import CodeForm

logger = logging.getLogger(__name__)


def _next_url(request) -> str:
    return safe_next_url(
        request,
        request.POST.get("next") or request.GET.get("next"),
        "dashboard:index",
    )


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _checked(request, form, device) -> bool:
    """Check the form's code; on a refusal put the reason on the form."""
    check = services.code_check(device=device, code=form.cleaned_data["code"])
    if check.accepted:
        # A new session key once the second factor is given, as Django does
        # after the password.
        request.session.cycle_key()
        otp_login(request, device)
        return True
    if check.wait_seconds:
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes: wait %(seconds)d second, then enter "
                "the code your app shows.",
                "Too many wrong codes: wait %(seconds)d seconds, then enter "
                "the code your app shows.",
                check.wait_seconds,
            )
            % {"seconds": check.wait_seconds},
        )
    else:
        logger.warning("Wrong two-factor code for user %s", request.user.pk)
        form.add_error(
            "code",
            _(
                "This code is not right, or was already used. Enter the code "
                "your authenticator app shows now."
            ),
        )
    return False


@never_cache
@login_required
def verify(request):
    """Ask staff with an authenticator app for its current code."""
    user = request.user
    if not selectors.two_factor_applies(user=user):
        return redirect("after-login")
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    device = selectors.confirmed_device_get(user=user)
    if device is None:
        return redirect(_with_next("twofactor:enrol", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _checked(request, form, device):
        return redirect(next_url)
    return render(request, "twofactor/verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def enrol(request):
    """Show staff without an authenticator app the QR code and secret to add
    to one, and confirm it with a first code."""
    user = request.user
    if not selectors.two_factor_applies(user=user):
        return redirect("after-login")
    next_url = _next_url(request)
    if selectors.confirmed_device_get(user=user) is not None:
        # Someone knowing only the password may not add a second app.
        if user.is_verified():
            return redirect(next_url)
        return redirect(_with_next("twofactor:verify", next_url))
    # Made on the first visit (a GET): an unconfirmed device lets nobody in.
    device = services.enrolment_device_get(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _checked(request, form, device):
        services.device_confirm(device=device)
        messages.success(
            request,
            _(
                "Two-factor sign-in is on: from now on, enter a code from your app "
                "after your password."
            ),
        )
        return redirect(next_url)
    context = {
        "form": form,
        "next": next_url,
        "required": selectors.two_factor_required(),
        "qr_svg": selectors.device_qr_svg(
            device=device, title=_("QR code to scan with your authenticator app")
        ),
        "secret": services.device_secret_text(device=device),
    }
    return render(request, "twofactor/enrol.html", context)
