"""Reset a staff member's two-factor sign-in (a lost or replaced phone):
`manage.py otp_reset EMAIL`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shop.twofactor.services import devices_reset


class Command(BaseCommand):
    help = _(
        "Remove the authenticator app of the account with this email; the "
        "next visit to the back office asks to set one up again."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help=_("Email of the staff member's account."))

    def handle(self, *args, email, **options):
        users = list(get_user_model().objects.filter(email__iexact=email.strip()))
        if not users:
            raise CommandError(
                _("No account uses the email %(email)s.") % {"email": email}
            )
        if len(users) > 1:
            # Resetting the wrong person's second factor would open their account.
            raise CommandError(
                _(
                    "Several accounts use the email %(email)s; reset the right one "
                    "in the Django admin (TOTP devices)."
                )
                % {"email": email}
            )
        if devices_reset(user=users[0]):
            self.stdout.write(
                _(
                    "Two-factor sign-in reset for %(email)s: they set up an "
                    "authenticator app again at their next visit to the back office."
                )
                % {"email": users[0].email}
            )
        else:
            self.stdout.write(
                _("%(email)s had no authenticator app: nothing to reset.")
                % {"email": users[0].email}
            )
