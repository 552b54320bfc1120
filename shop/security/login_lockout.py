"""Sign-in lockout with django-axes: per account from one address, and per address.

Axes refuses a sign-in (AxesStandaloneBackend, first in AUTHENTICATION_BACKENDS)
once a counter of failures within AXES_COOLOFF_TIME reaches its limit: the
account from one address after AXES_FAILURE_LIMIT failures, the address
whatever the accounts after LOGIN_FAILURE_LIMIT_PER_ADDRESS (one attacker trying
many accounts; larger, since a mobile carrier puts many shoppers behind one
address). No counter covers an account from every address: anyone could then
lock a shopper or the office out of their account for good.
"""

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Sum
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext


def login_username(request, credentials) -> str:
    """Return the account a sign-in names, as the failures are counted for it.

    Oscar finds the account by email whatever its case: counting "Client@…"
    apart from "client@…" would give an attacker a fresh counter per spelling.
    """
    username = (credentials or {}).get("username") or ""
    # Stored in a 255-character column that PostgreSQL checks, NUL refused.
    return username.strip().lower().replace("\0", "")[:255]


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for the per-address counter.

    Axes compares the largest counter with one limit (AXES_FAILURE_LIMIT); each
    counter is scaled here so that it reaches that number exactly when it
    reaches its own limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        counted = zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        )
        return max(
            _failures(attempts) * settings.AXES_FAILURE_LIMIT // _limit(parameter)
            for parameter, attempts in counted
        )

    def user_logged_in(self, sender, request, user, **kwargs):
        """Forget the account's failures from this address once it signs in.

        Only those: axes' own reset (AXES_RESET_ON_SUCCESS) clears the
        address's counter too, which an attacker would do by signing in to an
        account of their own between guesses at others.
        """
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(
            username__in={user.email.strip().lower(), user.get_username().lower()},
            ip_address=request.axes_ip_address,
        ).delete()


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _limit(parameter) -> int:
    if parameter == "ip_address":
        return settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    return settings.AXES_FAILURE_LIMIT


def lockout_message() -> str:
    """Tell a locked-out visitor how long to wait, without saying which counter."""
    minutes = math.ceil(get_cool_off().total_seconds() / 60)
    return ngettext(
        "Too many failed sign-in attempts: signing in is paused for "
        "%(minutes)d minute. Try again then, or reset your password if you "
        "have forgotten it.",
        "Too many failed sign-in attempts: signing in is paused for "
        "%(minutes)d minutes. Try again then, or reset your password if you "
        "have forgotten it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response, credentials) -> HttpResponse:
    """Show the sign-in form again with the lockout as its error, status 429.

    Every sign-in page (the shop's, the dashboard's, the Django and Wagtail
    admins') renders an AuthenticationForm; its own error ("wrong email or
    password") would be misleading: the password may be right.
    """
    form = _login_form(original_response)
    if form is None:
        return HttpResponse(
            lockout_message(), status=429, content_type="text/plain; charset=utf-8"
        )
    form.errors[NON_FIELD_ERRORS] = form.error_class([lockout_message()])
    original_response.content = original_response.rendered_content
    original_response.status_code = 429
    return original_response


def _login_form(response) -> AuthenticationForm | None:
    if not isinstance(response, TemplateResponse):
        return None
    return next(
        (
            value
            for value in (response.context_data or {}).values()
            if isinstance(value, AuthenticationForm) and value.is_bound
        ),
        None,
    )
