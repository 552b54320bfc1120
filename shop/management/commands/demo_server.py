"""Set up everything and serve the demo storefront (what `make run` calls)."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand

from search import local_engine
from shop.payments import local_stripe
from shop.payments.webhooks import HANDLED_TYPES
from shop.task_worker import TASK_WORKER_COMMAND

DEMO_LOGINS = [
    (
        "office staff (dashboard, Wagtail, every counter)",
        "office@terroir.ma",
        "terroir-office",
    ),
    ("store staff, Casablanca (counter)", "casablanca@terroir.ma", "terroir-store"),
    ("store staff, Marrakech (counter)", "marrakech@terroir.ma", "terroir-store"),
    ("store manager, Casablanca", "gerant.casablanca@terroir.ma", "terroir-manager"),
    ("store staff of both stores", "renfort@terroir.ma", "terroir-store"),
    ("customer", "client@terroir.ma", "terroir-client"),
    ("wholesale buyer, admin of Souk Moderne", "achats@soukmoderne.ma", "terroir-pro"),
    ("wholesale buyer, Souk Moderne", "logistique@soukmoderne.ma", "terroir-pro"),
    ("wholesale importer (EUR)", "import@saveurs-atlas.fr", "terroir-pro"),
    ("wholesale applicant (pending)", "contact@riad-essaouira.ma", "terroir-pro"),
]


class Command(BaseCommand):
    help = "Start the local search engine and localstripe, load the demo, and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--skip-demo", action="store_true", help="Do not (re)load the demo data."
        )

    def handle(self, *args, port, skip_demo, **options):
        started = []
        env = dict(os.environ)
        try:
            if not os.environ.get("ELASTICSEARCH_URL"):
                self.stdout.write("Starting the local search engine (noida-db)…")
                engine = local_engine.start(settings.VAR_DIR / "search")
                started.append(engine)
                env["ELASTICSEARCH_URL"] = engine.url
            if not os.environ.get("STRIPE_API_BASE"):
                self.stdout.write("Starting localstripe (offline Stripe API)…")
                stripe = local_stripe.start(
                    settings.VAR_DIR / "log" / "localstripe.log"
                )
                started.append(stripe)
                env["STRIPE_API_BASE"] = stripe.url
                local_stripe.webhook_register(
                    server_url=stripe.url,
                    target_url=f"http://127.0.0.1:{port}/payments/stripe/webhook/",
                    secret=settings.STRIPE_WEBHOOK_SECRET,
                    events=sorted(HANDLED_TYPES),
                )

            self._manage(env, "migrate", "--no-input", "-v", "0")
            if not skip_demo:
                self._manage(env, "load_demo")
            if "search_index" in get_commands():
                self._manage(env, "search_index", "rebuild")
            self._banner(port, env)
            # Emails and index updates wait in the database for this worker.
            # Its own process group: with DEBUG its reloader runs it in a child.
            worker = subprocess.Popen(  # noqa: S603
                [sys.executable, *TASK_WORKER_COMMAND],
                env=env,
                cwd=settings.BASE_DIR,
                start_new_session=True,
            )
            server = subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
                env=env,
                cwd=settings.BASE_DIR,
            )
            signal.signal(signal.SIGTERM, lambda *_: server.terminate())
            try:
                server.wait()
            except KeyboardInterrupt:
                server.terminate()
                server.wait(timeout=10)
            finally:
                # A worker that already stopped must not keep the services below
                # from being stopped.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=10)
        finally:
            for service in reversed(started):
                service.stop()
            self.stdout.write("Stopped the local services.")

    def _manage(self, env, *args):
        started = time.monotonic()
        self.stdout.write(self.style.MIGRATE_HEADING(f"$ manage.py {' '.join(args)}"))
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            env=env,
            cwd=settings.BASE_DIR,
            check=True,
        )
        self.stdout.write(f"  done in {time.monotonic() - started:.1f}s")

    def _banner(self, port, env):
        base = f"http://127.0.0.1:{port}"
        lines = [
            "",
            "Terroir storefront is starting:",
            f"  Storefront        {base}/fr/   (also /ar/ and /en/)",
            f"  Shop catalogue    {base}/fr/shop/",
            f"  Oscar dashboard   {base}/fr/shop/dashboard/",
            f"  Store counter     {base}/fr/store/",
            f"  Wagtail admin     {base}/cms/",
            f"  Health            {base}/healthz",
            "  Task worker       manage.py db_worker (emails, search index)",
            f"  Search engine     {env.get('ELASTICSEARCH_URL')}",
            f"  Stripe API        {env.get('STRIPE_API_BASE')}",
            "Demo logins (email / password):",
            *(
                f"  {role:<45} {email} / {password}"
                for role, email, password in DEMO_LOGINS
            ),
            "Press Ctrl-C to stop.",
            "",
        ]
        self.stdout.write("\n".join(lines))
