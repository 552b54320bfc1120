"""Check that orders, payments and stock agree; exit 1 on any inconsistency."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shop.consistency import orders_consistency_check


class Command(BaseCommand):
    help = (
        "Check that every captured payment has exactly one order, no stock record "
        "is oversold and every order's allocations match its lines (read-only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stripe-days",
            type=float,
            default=0,
            help="Also read the PaymentIntents Stripe holds from the last N days.",
        )
        parser.add_argument(
            "--held-grace-minutes",
            type=float,
            default=10,
            help="Money held this recently may still be on its way to an order.",
        )

    def handle(self, *args, stripe_days, held_grace_minutes, **options):
        since = (
            timezone.now() - datetime.timedelta(days=stripe_days)
            if stripe_days
            else None
        )
        report = orders_consistency_check(
            stripe_since=since,
            held_grace=datetime.timedelta(minutes=held_grace_minutes),
        )
        for check, checked in report.checked.items():
            findings = [f for f in report.findings if f.check == check]
            status = (
                self.style.SUCCESS("OK")
                if not findings
                else self.style.ERROR(f"{len(findings)} problem(s)")
            )
            self.stdout.write(f"{check:<12} {checked}: {status}")
            for finding in findings:
                self.stdout.write(f"  - {finding.subject}: {finding.problem}")
        if not report.consistent:
            raise CommandError(
                f"{len(report.findings)} inconsistencies found", returncode=1
            )
        self.stdout.write(self.style.SUCCESS("Orders, payments and stock agree."))
