"""Load the demo catalogue (idempotent): `manage.py load_demo`."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from catalog.demo.builder import demo_counts, demo_load
from search.indexing import indexing_paused


class Command(BaseCommand):
    help = _(
        "Create or update the demo cooperatives, products, stock locations, "
        "certifications, images and users from catalog/demo/ (safe to re-run)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        self.stdout.write(self.style.MIGRATE_HEADING(_("Loading the demo data…")))
        # One transaction: all or nothing, and far faster on SQLite. Per-save
        # indexing is paused; `search_index rebuild` indexes everything after.
        # The emails the demo's sales and quotes send would only fill the
        # console: they are kept in memory.
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ),
            indexing_paused(),
            transaction.atomic(),
        ):
            demo_load(stdout=self.stdout)
        self.stdout.write(self.style.MIGRATE_HEADING(_("Demo data now holds:")))
        for kind, count in demo_counts().items():
            self.stdout.write(f"  {kind:<24} {count:>5}")
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data loaded in %(seconds).1f s.")
                % {"seconds": time.monotonic() - started}
            )
        )
