"""Rate limits on the forms an attacker would repeat: counted per address and
per account, email or order, in the cache (django-ratelimit's counters).

Password reset and registration send emails (a way to flood someone's inbox),
stock alerts too; reviews fill the moderators' queue; voucher codes and the
guest order-status form can be guessed one try at a time. Signing in is
limited by django-axes instead (shop/security/login_lockout.py): it counts
failures, not tries.

The limits (RATE_LIMITS in settings) are checked before the view runs, so an
attempt over the limit sends nothing and saves nothing; the visitor reads how
long to wait, with a link back to the form.
"""

import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from shop.redirects import safe_next_url
from shop.security.client_address import client_address

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LimitedForm:
    """A form whose submissions count against the action's limits."""

    action: str
    view_name: str
    # On a page with two forms, only submissions with this button count.
    button: str = ""
    # Where the email is, for the per-email count; signed-in visitors are
    # counted per account instead.
    email_field: str = ""
    # A URL argument the per-subject count is for (an order number).
    url_argument: str = ""


LIMITED_FORMS = (
    LimitedForm("password-reset", "password-reset", email_field="email"),
    LimitedForm("registration", "customer:register", email_field="email"),
    LimitedForm(
        "registration",
        "customer:login",
        button="registration_submit",
        email_field="registration-email",
    ),
    LimitedForm("stock-alert", "customer:alert-create", email_field="email"),
    LimitedForm("review", "catalogue:reviews-add"),
    LimitedForm("voucher", "basket:vouchers-add"),
    LimitedForm(
        "order-status", "customer:anon-order-form", url_argument="order_number"
    ),
)
_BY_VIEW = {form.view_name: form for form in LIMITED_FORMS}


def throttle_wait(request, *, action: str, subject: str = "") -> int:
    """Count one attempt at `action`; return the seconds to wait if it is one
    too many (from this address, or for this subject), else 0.

    A cache that cannot count (Redis down) lets the attempt through: the shop
    keeps working, and sign-ins stay locked by their own counters in the
    database.
    """
    per_address, per_subject = settings.RATE_LIMITS[action]
    counters = [(f"{action}:address", per_address, client_address(request))]
    if subject:
        counters.append((f"{action}:subject", per_subject, subject))
    waits = []
    for group, rate, value in counters:
        try:
            usage = get_usage(
                request,
                group=group,
                key=lambda _group, _request, value=value: value,
                rate=rate,
                increment=True,
            )
        except Exception:
            logger.warning("Rate limit %s not counted", group, exc_info=True)
            continue
        if usage and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits, default=0)


def _subject(request, form: LimitedForm, view_kwargs) -> str:
    if form.url_argument:
        return f"{form.url_argument}:{view_kwargs.get(form.url_argument, '')}"
    if request.user.is_authenticated:
        return f"account:{request.user.pk}"
    if form.email_field:
        email = request.POST.get(form.email_field, "").strip().lower()
        return f"email:{email}" if email else ""
    return ""


class RateLimitMiddleware:
    """Answer 429, with how long to wait, to a limited form submitted too often."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        form = _BY_VIEW.get(request.resolver_match.view_name)
        if (
            form is None
            or request.method != "POST"
            or (form.button and form.button not in request.POST)
        ):
            return None
        wait = throttle_wait(
            request, action=form.action, subject=_subject(request, form, view_kwargs)
        )
        if not wait:
            return None
        minutes = math.ceil(wait / 60)
        message = ngettext(
            "You have tried this too many times in a short while. Please wait "
            "%(minutes)d minute, then try again.",
            "You have tried this too many times in a short while. Please wait "
            "%(minutes)d minutes, then try again.",
            minutes,
        ) % {"minutes": minutes}
        response = render(
            request,
            "security/rate_limited.html",
            {
                "message": message,
                "back_url": safe_next_url(
                    request, request.headers.get("Referer"), settings.OSCAR_HOMEPAGE
                ),
            },
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
