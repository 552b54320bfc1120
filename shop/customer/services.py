"""Registration that tells nobody but the mailbox's owner whether an email has
an account.

Oscar answered "A user with that email address already exists" and signed new
customers in at once: anyone could test addresses. Every registration now ends
on the same "check your inbox" page. A new address gets a link that opens the
account (after the password chosen is typed again); an address that already
has an account gets an email saying so, with links to sign in and to reset the
password. The cost: a new customer opens one email before their first order
with an account (guest checkout needs none).
"""

from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode
from oscar.apps.customer.forms import generate_username
from oscar.apps.customer.signals import user_registered
from oscar.apps.customer.utils import normalise_email


class RegistrationTokenGenerator(PasswordResetTokenGenerator):
    """Links that open a pending account; a password-reset token is no such link.

    A link dies when the account is opened (its last login changes) or when the
    address is registered again (its password changes).
    """

    key_salt = "shop.customer.services.RegistrationTokenGenerator"


registration_token = RegistrationTokenGenerator()


def _is_pending(user) -> bool:
    """Registered here and never opened (staff deactivate accounts that were)."""
    return not user.is_active and user.last_login is None and not user.is_staff


def registration_request(*, email: str, password: str, next_url: str) -> None:
    """Register `email`: send it the link that opens the account, or, if it has
    an account already, tell its owner.

    Registering again before the link is used replaces the password and the
    link: the first email may have been lost.
    """
    User = get_user_model()
    email = normalise_email(email)
    next_url = str(next_url)
    language = translation.get_language()
    with transaction.atomic():
        users = list(
            User._default_manager.select_for_update().filter(email__iexact=email)
        )
        pending = next((user for user in users if _is_pending(user)), None)
        if users and pending is None:
            # The same hashing as for a new account: the answer's delay must
            # not tell either.
            make_password(password)
            transaction.on_commit(
                partial(_account_exists_email, email=users[0].email, language=language)
            )
            return
        if pending is None:
            pending = User(email=email, username=generate_username(), is_active=False)
        pending.set_password(password)
        pending.save()
        transaction.on_commit(
            partial(
                _confirmation_email, user=pending, next_url=next_url, language=language
            )
        )


def registration_pending_get(*, uidb64: str, token: str):
    """The pending account a link opens, or None if the link is no longer good."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = get_user_model()._default_manager.get(pk=pk)
    except (ValueError, OverflowError, get_user_model().DoesNotExist):
        return None
    if not _is_pending(user) or not registration_token.check_token(user, token):
        return None
    return user


def registration_confirm(*, user, request) -> None:
    """Open the pending account the owner of its mailbox confirmed."""
    user.is_active = True
    user.save(update_fields=["is_active"])
    user_registered.send_robust(sender=registration_confirm, request=request, user=user)


def _confirmation_email(*, user, next_url: str, language: str) -> None:
    with translation.override(language):
        path = reverse(
            "customer:register-confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": registration_token.make_token(user),
            },
        )
    _email_send(
        template="registration_confirm",
        context={"confirm_path": f"{path}?{urlencode({'next': next_url})}"},
        language=language,
        to=user.email,
    )


def _account_exists_email(*, email: str, language: str) -> None:
    with translation.override(language):
        context = {
            "login_path": reverse("customer:login"),
            "reset_path": reverse("password-reset"),
        }
    _email_send(
        template="registration_exists", context=context, language=language, to=email
    )


def _email_send(*, template: str, context: dict, language: str, to: str) -> None:
    with translation.override(language):
        context = {**context, "site": Site.objects.get_current()}
        subject = render_to_string(f"customer/emails/{template}_subject.txt", context)
        body = render_to_string(f"customer/emails/{template}_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[to],
        headers={"Content-Language": language},
    ).send()
