"""Expire quotes past their validity and remind buyers 3 days before (run daily)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shop.wholesale.services.orders import expiry_reminders_send, quotes_expire


class Command(BaseCommand):
    help = (
        "Expire quotes whose last valid day is past and email buyers about "
        "quotes expiring within 3 days (once each). Run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run as on this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date wants YYYY-MM-DD, not {date!r}.") from error
        expired = quotes_expire(today=today)
        reminded = expiry_reminders_send(today=today)
        self.stdout.write(
            f"{today.isoformat()}: {expired} quote(s) expired, "
            f"{reminded} reminder(s) sent."
        )
