"""`make loadtest`: 50 shoppers for 5 minutes, then check nothing was lost (not a test).

1. Creates its own PostgreSQL database (terroir_loadtest, dropped at the end),
   loads the demo into it and indexes it in its own search engine (noida-db);
   flushes its own Redis database; starts localstripe.
2. Serves the shop with gunicorn (shop/gunicorn.conf.py, DEBUG off, Redis cache,
   localstripe's webhooks pointed at it) on a free 127.0.0.1 port.
3. Runs locust (tests/bench/locust_loadtest.py): shoppers browse, search, fill
   baskets and check out cash on delivery and by card (3-D Secure too), and
   race for a few products of five units.
4. Prints requests, errors and p95 per page and the orders placed, then runs
   `manage.py check_orders_consistency --stripe-days 1`: every captured payment
   has exactly one order, no stock record is oversold, allocations match lines.
5. Writes var/loadtest/results/<timestamp>.json, stops everything it started and
   exits 1 on any error or inconsistency.

Environment: LOADTEST_SECONDS (300), LOADTEST_USERS (50), LOADTEST_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/terroir_loadtest), LOADTEST_CACHE_URL
(redis://127.0.0.1:6379/13, flushed before and after).
"""

import datetime
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from tests.bench import bench_storefront as bench

ROOT = bench.ROOT
LOAD_DIR = ROOT / "var" / "loadtest"
LOCUST_FILE = Path(__file__).with_name("locust_loadtest.py")
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/terroir_loadtest"
CACHE_URL = "redis://127.0.0.1:6379/13"
SCARCE_PRODUCTS = 3
SCARCE_UNITS = 5
# Localstripe sends its webhooks a moment after the change they report.
WEBHOOKS_SETTLE_SECONDS = 5

say = bench.say


def _redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _database_drop(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    server = parts._replace(path="/postgres", scheme="postgresql").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(
            f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)'
        )


def stock_prepare() -> dict:
    """Plenty of stock for the shelf-stable products online shoppers buy, and
    a few units only of some, for races; return the pages to visit."""
    from django.db.models import F
    from django.db.models.functions import Coalesce
    from django.urls import reverse
    from django.utils import translation
    from oscar.core.loading import get_model

    from shop.partner.models import Partner, StockRecord

    product_model = get_model("catalogue", "Product")
    category_model = get_model("catalogue", "Category")
    records = StockRecord.objects.filter(
        partner__kind=Partner.Kind.WAREHOUSE,
        product__cold_chain=False,
        product__is_public=True,
        product__structure="standalone",
        price__isnull=False,
    ).order_by("product_id")
    product_ids = list(dict.fromkeys(records.values_list("product_id", flat=True)))
    scarce_ids = product_ids[:: max(1, len(product_ids) // SCARCE_PRODUCTS)][
        :SCARCE_PRODUCTS
    ]
    plentiful_ids = [pk for pk in product_ids if pk not in scarce_ids]
    # On top of what the demo's orders hold, which stays allocated to them.
    allocated = Coalesce(F("num_allocated"), 0)
    records.filter(product_id__in=plentiful_ids).update(
        num_in_stock=allocated + 100_000
    )
    records.filter(product_id__in=scarce_ids).update(
        num_in_stock=allocated + SCARCE_UNITS
    )

    def pages(ids):
        return [
            [p.get_absolute_url(), reverse("basket:add", kwargs={"pk": p.pk})]
            for p in product_model.objects.filter(pk__in=ids).order_by("pk")
        ]

    with translation.override("fr"):
        return {
            "home": "/fr/",
            "categories": [
                c.get_absolute_url()
                for c in category_model.objects.filter(depth__lte=2).order_by("path")
            ],
            "products": pages(plentiful_ids),
            "scarce": pages(scarce_ids),
            "search": reverse("search:search"),
            "basket": reverse("basket:summary"),
            "checkout": {
                name: reverse(f"checkout:{name}")
                for name in (
                    "index",
                    "shipping-address",
                    "shipping-method",
                    "payment-method",
                    "preview",
                    "thank-you",
                    "card-authenticate",
                    "card-complete",
                )
            },
        }


def run_locust(env: dict, base_url: str, plan: dict, users: int, seconds: int):
    locust = Path(sys.executable).with_name("locust")
    say(f"» {users} shoppers for {seconds}s (locust)")
    completed = subprocess.run(  # noqa: S603
        [
            str(locust),
            "-f",
            str(LOCUST_FILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 5)),
            "--run-time",
            f"{seconds}s",
            "--host",
            base_url,
            "--loglevel",
            "ERROR",
            "--only-summary",
            "LoadShopper",
        ],
        env={
            **env,
            "PYTHONPATH": str(ROOT),
            "BENCH_MIXED_PLAN": json.dumps(plan),
            "LOADTEST_STRIPE_URL": env["STRIPE_API_BASE"],
            "LOADTEST_STRIPE_PUBLISHABLE_KEY": env["STRIPE_PUBLISHABLE_KEY"],
            "LOADTEST_STRIPE_SECRET_KEY": env["STRIPE_SECRET_KEY"],
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 180,
    )
    found = bench.json_line(completed.stdout, "LOADTEST_JSON ")
    if found is None:
        raise RuntimeError(f"locust failed: {completed.stderr[-2000:]}")
    return found


def orders_in_database(since: datetime.datetime) -> dict:
    """Orders placed during the run (the demo has its own counter sales)."""
    from oscar.core.loading import get_model

    from shop.payments.models import CheckoutPayment

    orders = get_model("order", "Order").objects.filter(date_placed__gte=since)
    return {
        "orders": orders.count(),
        "card": orders.filter(
            checkout_payment__method=CheckoutPayment.Method.CARD
        ).count(),
        "cash_on_delivery": orders.filter(
            checkout_payment__method=CheckoutPayment.Method.CASH_ON_DELIVERY
        ).count(),
    }


def print_report(load: dict, database: dict, users: int) -> None:
    say("")
    say(f"Load test: {users} shoppers, {load['seconds']:.0f}s")
    say(
        f"{'page':<24}{'requests':>10}{'req/s':>8}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'errors':>8}"
    )
    for name, page in sorted(load["pages"].items()):
        say(
            f"{name:<24}{page['requests']:>10}{page['requests_per_s']:>8.1f}"
            f"{bench._cell(page['p50_ms'], '{:.0f}'):>8}"
            f"{bench._cell(page['p95_ms'], '{:.0f}'):>8}{page['errors']:>8}"
        )
    say(
        f"{'all':<24}{load['requests']:>10}{'':>8}{'':>8}"
        f"{bench._cell(load['p95_ms'], '{:.0f}'):>8}{load['errors']:>8}"
    )
    for kind, count in load["error_kinds"].items():
        say(f"  error ×{count}: {kind}")
    placed = ", ".join(f"{count} {kind}" for kind, count in load["orders"].items())
    say(
        f"Orders placed (shoppers saw the thank-you page): {load['orders_total']} "
        f"({placed}); sold-out refusals: {load['sold_out_refusals']}."
    )
    say(
        f"Orders placed in the database meanwhile: {database['orders']} "
        f"({database['card']} card, "
        f"{database['cash_on_delivery']} cash on delivery)."
    )


def main() -> int:
    from search import local_engine
    from shop.payments import local_stripe

    started_at = datetime.datetime.now(datetime.UTC)
    run_id = started_at.strftime("%Y%m%dT%H%M%SZ")
    seconds = bench._int_env("LOADTEST_SECONDS", 300)
    users = bench._int_env("LOADTEST_USERS", 50)
    database_url = os.environ.get("LOADTEST_DATABASE_URL") or DATABASE_URL
    cache_url = os.environ.get("LOADTEST_CACHE_URL") or CACHE_URL
    cache = urllib.parse.urlsplit(cache_url)
    if not bench.redis_answers(cache.hostname, cache.port or 6379):
        say(
            f"Redis does not answer at {cache_url}: "
            "start it, or set LOADTEST_CACHE_URL."
        )
        return 2
    LOAD_DIR.mkdir(parents=True, exist_ok=True)
    env = bench.bench_env(run_id)
    env.update(
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        CACHE_KEY_PREFIX=f"loadtest-{run_id}",
        DJANGO_MEDIA_ROOT=str(LOAD_DIR / "media"),
        DJANGO_STATIC_ROOT=str(LOAD_DIR / "static"),
        ELASTICSEARCH_INDEX_PREFIX="loadtest",
        # The confirmation emails are built, then dropped.
        EMAIL_URL="dummymail://",
    )
    services = []
    created_database = False
    try:
        say("Starting the search engine and localstripe (var/loadtest/)…")
        engine = local_engine.start(LOAD_DIR / "search")
        services.append(engine)
        stripe = local_stripe.start(LOAD_DIR / "log" / "localstripe.log")
        services.append(stripe)
        env.update(ELASTICSEARCH_URL=engine.url, STRIPE_API_BASE=stripe.url)
        bench.manage(env, "collectstatic", "--no-input", "-v", "0")
        say(f"Creating the database {urllib.parse.urlsplit(database_url).path[1:]}…")
        # A run that was killed may have left it with open connections.
        _database_drop(database_url)
        bench._reset_database(database_url)
        created_database = True
        bench.manage(env, "migrate", "--no-input", "-v", "0")
        bench.manage(env, "load_demo")
        os.environ.update(env)
        import django

        django.setup()
        from shop.payments.webhooks import HANDLED_TYPES

        plan = stock_prepare()
        bench.manage(env, "search_index", "rebuild")
        _redis_flush(cache_url)
        port = local_engine.free_port()
        say(f"Starting gunicorn on 127.0.0.1:{port} (shop/gunicorn.conf.py)…")
        server = bench.Gunicorn(env, port, log_path=LOAD_DIR / "log" / "gunicorn.log")
        services.append(server)
        services.append(
            bench.TaskWorker(env, log_path=LOAD_DIR / "log" / "db_worker.log")
        )
        server.wait_ready()
        local_stripe.webhook_register(
            server_url=stripe.url,
            target_url=f"{server.url}/payments/stripe/webhook/",
            secret=env["STRIPE_WEBHOOK_SECRET"],
            events=sorted(HANDLED_TYPES),
        )
        load_started = datetime.datetime.now(datetime.UTC)
        load = run_locust(env, server.url, plan, users, seconds)
        time.sleep(WEBHOOKS_SETTLE_SECONDS)
        database = orders_in_database(load_started)
        print_report(load, database, users)
        say("\n$ manage.py check_orders_consistency --stripe-days 1")
        check = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "check_orders_consistency",
                "--stripe-days",
                "1",
                "--held-grace-minutes",
                "0",
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        say((check.stdout + check.stderr).rstrip())
        report = {
            "started_at": started_at.isoformat(),
            "users": users,
            "load_average_at_start": os.getloadavg(),
            "load": load,
            "database": database,
            "consistency": {"exit_code": check.returncode, "output": check.stdout},
        }
        out = LOAD_DIR / "results" / f"{run_id}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
        say(f"\nWrote {out.relative_to(ROOT)}.")
        failed = load["errors"] or check.returncode
        say(
            "Load test FAILED." if failed else "Load test passed: 0 errors, consistent."
        )
        return 1 if failed else 0
    finally:
        for service in reversed(services):
            service.stop()
        if created_database:
            from django.db import connections

            connections.close_all()
            _database_drop(database_url)
        _redis_flush(cache_url)
        say(
            "Stopped gunicorn, the task worker, localstripe and the search engine; "
            "dropped the database."
        )


if __name__ == "__main__":
    sys.exit(main())
