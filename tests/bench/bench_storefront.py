"""Load-test the storefront like production: `make bench` (a benchmark, not a test).

1. Builds (or reuses, when the spec is unchanged) a catalogue of 10,000 products in
   its own database under var/bench/ (SQLite; PostgreSQL `<name>_bench` when
   DATABASE_URL is set), indexes it in its own search engine (var/bench/search).
2. Serves it with gunicorn (shop/gunicorn.conf.py, 4 workers, DEBUG off, compressed
   static files collected into var/bench/static) on a free 127.0.0.1 port.
3. For each page: checks it shows real content, counts its SQL queries in-process
   (Django test client), warms it up, then drives it with wrk from a second
   process and compares with the targets of issue 6.
4. Prints one line per page, writes var/bench/results/<timestamp>.json and stops
   every process it started (by process group).

Environment: BENCH_DURATION (s per page, 20), BENCH_WARMUP (s, 3),
BENCH_CONNECTIONS (8), BENCH_THREADS (wrk threads, 2), BENCH_PRODUCTS (10000),
BENCH_TARGETS (comma-separated names to run a subset), BENCH_CACHE_URL (default:
Redis at 127.0.0.1:6379 if it answers, else a file cache under var/bench/cache).
"""

import contextlib
import datetime
import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from shop.task_worker import TASK_WORKER_COMMAND

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
LOCUST_FILE = Path(__file__).with_name("locust_mixed.py")
MIXED_SHOPPERS = 50
# What the mixed workload's shoppers search for.
MIXED_SEARCHES = [
    "argan",
    "miel",
    "amlou",
    "safran",
    "huile olive",
    "couscous",
    "savon",
]

# Issue 6 targets on this machine: (minimum requests/s, maximum p95 in ms).
TARGETS = {
    "home": (300, 50),
    "category": (300, 50),
    "product": (400, 30),
    "search": (200, 60),
    "cooperative": (300, 50),
    "store": (300, 50),
    "autocomplete": (500, 20),
    # Issue 14: shoppers with a session and a basket (no whole-page cache).
    "basket-add": (200, 60),
    # Issue 11: a pilot store's counter (signed-in store staff).
    "counter-lookup": (300, 50),
    "counter-add": (150, 80),
}
SESSION_TARGETS = {
    "home": (300, 50),
    "category": (300, 50),
    "product": (300, 50),
    "search": (200, 80),
    "cooperative": (300, 50),
    "store": (300, 50),
}
COUNTER_STAFF = ("casablanca@terroir.ma", "terroir-store")
COUNTER_STORE = "boutique-casablanca"
PRODUCT_LINK = re.compile(r'href="(/fr/shop/catalogue/[^"/]+_\d+/)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSIONS = 8


@dataclass
class Target:
    name: str
    path: str | None
    check: object = None  # callable(body) -> error message or None
    method: str = "GET"
    note: str = ""
    sessions: list = field(default_factory=list)  # (Cookie, CSRF token[, path])
    body: str = ""
    codes: list = field(default_factory=list)  # cycled through {code} in the body
    staff: str = ""  # the email of the signed-in staff member it runs as
    goal: tuple = ()  # (req/s, p95 ms) when not TARGETS[name]
    basket_add: str = ""  # a shopper with a basket: the add-to-basket path


@dataclass
class Result:
    name: str
    path: str | None
    status: str  # pass / fail / not available yet / broken
    note: str = ""
    requests_per_s: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    errors: int | None = None
    queries_render: int | None = None
    queries_cached: int | None = None
    target_rps: int = 0
    target_p95_ms: int = 0
    cpu_idle_before_pct: float | None = None
    busiest_worker_pct: float | None = None  # its share of the workers' CPU


def say(message: str) -> None:
    print(message, flush=True)


def _int_env(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


# --- Services ------------------------------------------------------------------


def process_group_stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, children included."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Gunicorn:
    def __init__(self, env: dict, port: int, log_path: Path | None = None):
        log_path = log_path or BENCH_DIR / "log" / "gunicorn.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "--config",
                    str(ROOT / "shop" / "gunicorn.conf.py"),
                    "shop.wsgi:application",
                ],
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def worker_cpu_ticks(self) -> dict[int, int]:
        """CPU time (clock ticks) each worker has used so far."""
        master = self.process.pid
        try:
            with open(f"/proc/{master}/task/{master}/children") as children:
                pids = [int(pid) for pid in children.read().split()]
        except OSError:
            return {}
        ticks = {}
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    # utime and stime, after the command name in parentheses.
                    fields = stat.read().rpartition(")")[2].split()
            except OSError:
                continue
            ticks[pid] = int(fields[11]) + int(fields[12])
        return ticks

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            with contextlib.suppress(OSError):
                request("GET", self.url, "/healthz")
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer; see {self.log_path}")

    def stop(self) -> None:
        process_group_stop(self.process)


class TaskWorker:
    """`manage.py db_worker`, as production runs it beside gunicorn: emails
    and search-index updates leave the requests that cause them."""

    def __init__(self, env: dict, log_path: Path | None = None):
        log_path = log_path or BENCH_DIR / "log" / "db_worker.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, *TASK_WORKER_COMMAND],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def stop(self) -> None:
        process_group_stop(self.process)


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# --- Settings and database -----------------------------------------------------


def bench_env(run_id: str) -> dict:
    """Production-like settings for plain http on loopback."""
    env = dict(os.environ)
    user_url = os.environ.get("DATABASE_URL")
    if user_url:
        parts = urllib.parse.urlsplit(user_url)
        name = parts.path.lstrip("/") or "terroir"
        database_url = parts._replace(path=f"/{name}_bench").geturl()
    else:
        database_url = f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}"
    cache_url = os.environ.get("BENCH_CACHE_URL") or (
        "redis://127.0.0.1:6379/0"
        if redis_answers()
        else f"filecache://{BENCH_DIR / 'cache'}"
    )
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="shop.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        # Production mode wants Stripe-shaped keys; the bench pays no card.
        STRIPE_SECRET_KEY="sk_test_bench",
        STRIPE_PUBLISHABLE_KEY="pk_test_bench",
        STRIPE_WEBHOOK_SECRET=f"whsec_{secrets.token_urlsafe(24)}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_MEDIA_ROOT=str(BENCH_DIR / "media"),
        DJANGO_STATIC_ROOT=str(BENCH_DIR / "static"),
        CACHE_URL=cache_url,
        # Every run starts from a cold cache of its own.
        CACHE_KEY_PREFIX=f"bench-{run_id}",
        ELASTICSEARCH_INDEX_PREFIX="bench",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args: str) -> None:
    started = time.monotonic()
    say(f"$ manage.py {' '.join(args)}")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], env=env, cwd=ROOT, check=True
    )
    say(f"  done in {time.monotonic() - started:.1f}s")


def _reset_database(database_url: str) -> None:
    if database_url.startswith("sqlite:"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DIR / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = (
        parts._replace(path="/postgres")
        .geturl()
        .replace("postgres://", "postgresql://", 1)
    )
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _catalogue_marker(database_url: str) -> Path:
    """One marker per database, so a PostgreSQL run keeps the SQLite catalogue."""
    if database_url.startswith("sqlite:"):
        return BENCH_DIR / "catalogue.json"
    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    return BENCH_DIR / f"catalogue-{name}.json"


def prepare_catalogue(env: dict, products: int, has_demo: bool) -> dict:
    """Build the bench database unless the marker says it holds this very spec."""
    from shop.management.commands.bench_catalogue import CATALOGUE_VERSION

    spec = {
        "database": env["DATABASE_URL"],
        "products": products,
        "demo": has_demo,
        "generator": CATALOGUE_VERSION,
    }
    marker = _catalogue_marker(env["DATABASE_URL"])
    if marker.exists() and json.loads(marker.read_text()) == spec:
        say("Reusing the benchmark catalogue (same spec); migrating if needed.")
        manage(env, "migrate", "--no-input", "-v", "0")
        return spec
    say("Building the benchmark catalogue from scratch…")
    marker.unlink(missing_ok=True)
    _reset_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input", "-v", "0")
    if has_demo:
        manage(env, "load_demo")
    else:
        say("  note: `load_demo` does not exist yet: no demo pages or users.")
    manage(env, "bench_catalogue", "--products", str(products))
    marker.write_text(json.dumps(spec, indent=2))
    return spec


# --- HTTP ------------------------------------------------------------------------


def request(method, base_url, path, headers=None, body=None):
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        cookies = SimpleCookie()
        for header in response.msg.get_all("Set-Cookie") or []:
            cookies.load(header)
        content = response.read().decode("utf-8", "replace")
        return response.status, {k: m.value for k, m in cookies.items()}, content
    finally:
        connection.close()


# --- Targets ---------------------------------------------------------------------


def _links_at_least(count: int, what: str):
    def check(body):
        found = len(set(PRODUCT_LINK.findall(body)))
        if found < count:
            return f"shows {found} product links, expected {count}+ {what}"
        return None

    return check


def _engine_listing(check):
    """A listing check that also refuses the search engine's database fallback."""

    def engine_check(body):
        if "search-notice--degraded" in body:
            return "search engine unavailable: served the database fallback"
        return check(body)

    return engine_check


def _contains(text: str):
    def check(body):
        if html.escape(text) not in body and text not in body:
            return f"does not show “{text}”"
        return None

    return check


def _json_results(body):
    try:
        data = json.loads(body)
    except ValueError:
        return "is not JSON"
    return None if data else "returned no suggestions"


def _page_of(model_name: str):
    """The first live French page of a cms model, if the model exists yet."""
    from django.apps import apps

    try:
        model = apps.get_model("cms", model_name)
    except LookupError:
        return None
    pages = model.objects.live()
    if hasattr(model, "locale"):
        pages = pages.filter(locale__language_code="fr")
    return pages.order_by("path").first()


def _wagtail_target(name: str, model_name: str) -> Target:
    page = _page_of(model_name)
    if page is None:
        return Target(name, None, note=f"no live {model_name} yet")
    return Target(name, page.get_url(), _contains(page.title))


def _shop_path(path: str) -> bool:
    """Tell whether a path is served by a shop view (not Wagtail's catch-all)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(urllib.parse.urlsplit(path).path)
    except Resolver404:
        return False
    return not match.func.__module__.startswith("wagtail")


def discover_targets(base_url: str) -> tuple[list[Target], list[Target]]:
    """Pages as visitors without cookies get them, and as shoppers with a basket."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import translation
    from oscar.core.loading import get_model

    category_model = get_model("catalogue", "Category")
    product_model = get_model("catalogue", "Product")
    targets = [Target("home", "/fr/", _contains("</html>"))]
    with translation.override("fr"):
        categories = list(
            category_model.objects.filter(slug__startswith="bench-", depth=2)
            .annotate(size=Count("product"))
            .filter(size__gte=20)
            .order_by("size")
        )
        if categories:
            category = categories[len(categories) // 2]
            targets.append(
                Target(
                    "category",
                    category.get_absolute_url(),
                    _engine_listing(_links_at_least(20, "product cards")),
                    note=f"{category.name}: {category.size} products",
                )
            )
        product = (
            product_model.objects.filter(
                upc__startswith="BENCH-", stockrecords__num_in_stock=100_000
            )
            .order_by("pk")
            .first()
        )
        targets.append(
            Target("product", product.get_absolute_url(), _contains(product.title))
        )
        search = "/fr/shop/search/?q=argan"
        targets.append(
            Target("search", search, _engine_listing(_links_at_least(1, "results")))
        )
        targets.append(_wagtail_target("cooperative", "CooperativePage"))
        targets.append(_wagtail_target("store", "StorePage"))
        autocomplete = "/fr/shop/search/autocomplete/?q=arg"
        if _shop_path(autocomplete):
            targets.append(Target("autocomplete", autocomplete, _json_results))
        else:
            targets.append(
                Target("autocomplete", None, note="no autocomplete view yet")
            )
        add = reverse("basket:add", kwargs={"pk": product.pk})
        basket = basket_target(base_url, add, product)
        targets.extend(counter_targets(base_url))
    return targets, [*session_targets(targets, basket), basket]


def session_targets(targets: list[Target], basket: Target) -> list[Target]:
    """The same pages for shoppers with a session and a basket, one per connection."""
    session_path = []
    for target in targets:
        if target.name not in SESSION_TARGETS:
            continue
        shopper = Target(
            target.name,
            target.path,
            target.check,
            note=target.note or basket.note,
            goal=SESSION_TARGETS[target.name],
            basket_add=basket.path,
        )
        if target.path and basket.sessions:
            shopper.sessions = [
                (cookie, token, target.path) for cookie, token in basket.sessions
            ]
        elif target.path:
            shopper.path = None
        session_path.append(shopper)
    return session_path


def _staff_session(base_url: str) -> tuple[str, str] | None:
    """Sign in as the demo's Casablanca store staff; return (Cookie, CSRF token)."""
    from django.urls import reverse

    login = reverse("customer:login")
    status, cookies, body = request("GET", base_url, login)
    token = CSRF_FIELD.search(body)
    if status != 200 or not token:
        return None
    email, password = COUNTER_STAFF
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "login-username": email,
            "login-password": password,
            "login_submit": "1",
        }
    )
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    status, signed_in, _ = request(
        "POST",
        base_url,
        login,
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        form,
    )
    if status != 302 or "sessionid" not in signed_in:
        return None
    cookies.update({k: v for k, v in signed_in.items() if k != "messages"})
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    # Signing in rotates the CSRF secret: take a token from a page of the counter.
    parked = reverse("instore:parked", kwargs={"store": COUNTER_STORE})
    status, _, body = request("GET", base_url, parked, {"Cookie": cookie})
    token = CSRF_FIELD.search(body)
    if status != 200 or not token:
        return None
    return cookie, token.group(1)


def counter_targets(base_url: str) -> list[Target]:
    """The counter's lookup (as staff type) and add-line, each connection with
    its own signed-in staff session and, for adding, its own sale."""
    from django.urls import reverse
    from oscar.core.loading import get_model

    lookup = Target(
        "counter-lookup",
        reverse("instore:lookup", kwargs={"store": COUNTER_STORE}) + "?q=huile+argan",
    )
    add = Target("counter-add", None, method="POST")
    codes = list(
        get_model("catalogue", "Product")
        .objects.filter(upc__startswith="BENCH-", stockrecords__num_in_stock=100_000)
        .order_by("pk")
        .values_list("upc", flat=True)[:40]
    )
    new_sale = reverse("instore:sale-new", kwargs={"store": COUNTER_STORE})
    for _ in range(SESSIONS):
        session = _staff_session(base_url)
        if session is None:
            lookup.note = add.note = "the demo's store staff cannot sign in"
            return [lookup, add]
        cookie, token = session
        lookup.sessions.append((cookie, token, lookup.path))
        status, _, _ = request(
            "POST",
            base_url,
            new_sale,
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            f"csrfmiddlewaretoken={token}",
        )
        sale = get_model("instore", "CounterSale").objects.order_by("-pk").first()
        if status != 302 or sale is None:
            add.note = f"starting a sale answered {status}"
            return [lookup, add]
        add.path = reverse(
            "instore:sale-add", kwargs={"store": COUNTER_STORE, "pk": sale.pk}
        )
        add.sessions.append((cookie, token, add.path))
    lookup.staff = add.staff = COUNTER_STAFF[0]
    lookup.codes = add.codes = codes
    lookup.check = lambda body: None if '"hits": [{' in body else "no product found"
    add.body = "csrfmiddlewaretoken={token}&code={code}&quantity=1"
    add.check = lambda body: None
    return [lookup, add]


def basket_target(base_url: str, add_path: str, product) -> Target:
    """Open anonymous sessions with a basket, for wrk to add to them."""
    from django.urls import reverse

    target = Target("basket-add", add_path, method="POST")
    # A shopper adds from the product page; any page with a form gives a token.
    pages = [product.get_absolute_url(), reverse("customer:login")]
    for _ in range(SESSIONS):
        for page in pages:
            status, cookies, body = request("GET", base_url, page)
            token = CSRF_FIELD.search(body)
            if status == 200 and token:
                break
        else:
            target.note = "no page gives a CSRF token"
            return target
        form = f"csrfmiddlewaretoken={token.group(1)}&quantity=1"
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        status, added, _ = request(
            "POST",
            base_url,
            add_path,
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            form,
        )
        if status not in (200, 302):
            target.note = f"adding to the basket answered {status}"
            return target
        # Keep the session and basket cookies, not the one-off flash messages.
        cookies.update({k: v for k, v in added.items() if k != "messages"})
        target.sessions.append(
            ("; ".join(f"{k}={v}" for k, v in cookies.items()), token.group(1))
        )
    target.body = "csrfmiddlewaretoken={token}&quantity=1"
    cookie = target.sessions[0][0]
    status, _, body = request("GET", base_url, "/fr/shop/basket/", {"Cookie": cookie})
    if product.title not in html.unescape(body):
        target.note = f"the basket page ({status}) does not show the added product"
        target.sessions = []
        return target

    def check(_body):
        return None

    target.check = check
    return target


def count_queries(target: Target) -> tuple[int, int | None]:
    """SQL queries of a full render, and of a request the page cache answers.

    An add to the basket is counted on a basket that already holds the product.
    """
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    form = {"quantity": 1}
    if target.staff:
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(email=target.staff))
        form["code"] = target.codes[0]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            if target.method == "POST":
                client.post(target.path, form)
            else:
                client.get(target.path)
        return len(queries)

    if target.method == "POST":
        count()
        return count(), None
    if target.basket_add:
        # The page cache never answers a shopper with a basket.
        client.post(target.basket_add, {"quantity": 1})
        count()
        return count(), None
    if target.staff:
        count()
        return count(), None
    with override_settings(PAGE_CACHE_SECONDS=0):
        rendered = count()
    cached = []
    for _ in range(2):
        # No cookies, like the load generator; the first request fills the cache.
        client.cookies.clear()
        cached.append(count())
    return rendered, cached[-1]


def check_content(base_url: str, target: Target) -> str | None:
    if target.method == "POST":
        return target.note or None
    if target.check is None:
        return target.note or "not set up"
    headers = {"Cookie": target.sessions[0][0]} if target.sessions else {}
    status, _, body = request("GET", base_url, target.path, headers)
    if status != 200:
        return f"answered {status}"
    return target.check(body)


def check_static(base_url: str) -> dict:
    """Tell whether the home page's stylesheet is compressed and cached for long."""
    _, _, body = request("GET", base_url, "/fr/")
    found = re.search(r'<link[^>]+href="(/static/[^"]+\.css)"', body)
    if not found:
        return {"asset": None, "ok": False, "note": "no stylesheet on the home page"}
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", found[1], headers={"Accept-Encoding": "gzip, br"})
        response = connection.getresponse()
        response.read()
        encoding = response.getheader("Content-Encoding")
        cache_control = response.getheader("Cache-Control") or ""
    finally:
        connection.close()
    max_age = re.search(r"max-age=(\d+)", cache_control)
    long_lived = bool(max_age) and int(max_age[1]) >= 365 * 24 * 3600
    return {
        "asset": found[1],
        "content_encoding": encoding,
        "cache_control": cache_control,
        "ok": response.status == 200 and bool(encoding) and long_lived,
    }


# --- Load ------------------------------------------------------------------------


def run_wrk(base_url: str, target: Target, seconds: int) -> dict:
    env = dict(os.environ)
    if target.sessions:
        env["BENCH_SESSIONS"] = "\n".join("\t".join(s) for s in target.sessions)
        env["BENCH_POST_BODY"] = target.body
        env["BENCH_METHOD"] = target.method
        env["BENCH_CODES"] = "\n".join(target.codes)
    completed = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            f"-t{_int_env('BENCH_THREADS', 2)}",
            f"-c{_int_env('BENCH_CONNECTIONS', 8)}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(WRK_SCRIPT),
            base_url + target.path,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(
        line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON ")
    )
    return json.loads(line.removeprefix("BENCH_JSON "))


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        fields = [int(n) for n in stat.readline().split()[1:]]
    # idle + iowait, total
    return fields[3] + fields[4], sum(fields)


def cpu_idle_pct(seconds: float = 1.0) -> float:
    """The machine's idle share over the next `seconds`, in percent."""
    idle_before, total_before = _cpu_times()
    time.sleep(seconds)
    idle, total = _cpu_times()
    return round(100 * (idle - idle_before) / max(total - total_before, 1), 1)


SETTLED_IDLE_PCT = 85
SETTLE_SECONDS = 60


def settled() -> float:
    """Wait (up to SETTLE_SECONDS) until the machine is idle, and return its
    idle share then. A set-up step or a previous page leaves work behind (the
    search engine indexing or finishing a query that timed out, a database
    checkpoint): measured meanwhile, a page lost a third of its rate."""
    deadline = time.monotonic() + SETTLE_SECONDS
    idle = cpu_idle_pct()
    while idle < SETTLED_IDLE_PCT and time.monotonic() < deadline:
        idle = cpu_idle_pct()
    if idle < SETTLED_IDLE_PCT:
        say(f"  note: the machine is still busy ({idle}% idle); measuring anyway.")
    return idle


# Above this share of the workers' CPU, one worker served most of a page's
# requests (wrk's keep-alive connections all landed on it): the page was
# measured on one core, whatever its code costs.
BUSIEST_WORKER_NOTE_PCT = 60


def _busiest_share(before: dict[int, int], after: dict[int, int]) -> float | None:
    used = [ticks - before.get(pid, 0) for pid, ticks in after.items()]
    total = sum(used)
    return round(100 * max(used) / total, 1) if total else None


def measure(server: Gunicorn, target: Target, duration: int, warmup: int) -> Result:
    base_url = server.url
    rps, p95 = target.goal or TARGETS[target.name]
    result = Result(
        target.name, target.path, "", target.note, target_rps=rps, target_p95_ms=p95
    )
    if target.path is None:
        result.status = "not available yet"
        return result
    problem = check_content(base_url, target)
    try:
        result.queries_render, result.queries_cached = count_queries(target)
    except Exception as error:  # noqa: BLE001 - a broken page is reported, not fatal
        result.note = f"in-process request failed: {error!r}"[:200]
    if problem:
        result.status = "broken"
        result.note = problem
        return result
    result.cpu_idle_before_pct = settled()
    if warmup:
        run_wrk(base_url, target, warmup)
    ticks = server.worker_cpu_ticks()
    figures = run_wrk(base_url, target, duration)
    result.busiest_worker_pct = _busiest_share(ticks, server.worker_cpu_ticks())
    busiest = result.busiest_worker_pct
    if busiest is not None and busiest > BUSIEST_WORKER_NOTE_PCT:
        note = f"one worker did {busiest:.0f}% of the work: connections not spread"
        result.note = f"{result.note}; {note}" if result.note else note
    if not figures["requests"]:
        result.status = "fail"
        result.note = f"no response within {duration}s"
        return result
    result.requests_per_s = round(
        figures["requests"] / (figures["duration_us"] / 1e6), 1
    )
    result.p50_ms = figures["p50_us"] / 1000
    result.p95_ms = figures["p95_us"] / 1000
    result.p99_ms = figures["p99_us"] / 1000
    result.errors = sum(figures["errors"].values())
    passed = (
        result.requests_per_s >= rps and result.p95_ms <= p95 and result.errors == 0
    )
    result.status = "pass" if passed else "fail"
    return result


def _cell(value, spec="{:.1f}"):
    return "-" if value is None else spec.format(value)


def print_table(results: list[Result], title: str) -> None:
    say("")
    say(title)
    say(
        f"{'page':<13}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'errors':>8}{'SQL render/hit':>16}  {'target':<18}result"
    )
    for r in results:
        queries = "/".join(
            "-" if n is None else str(n) for n in (r.queries_render, r.queries_cached)
        )
        goal = f"≥{r.target_rps} r/s ≤{r.target_p95_ms} ms"
        say(
            f"{r.name:<13}{_cell(r.requests_per_s):>8}{_cell(r.p50_ms):>8}"
            f"{_cell(r.p95_ms):>8}{_cell(r.p99_ms):>8}{_cell(r.errors, '{}'):>8}"
            f"{queries:>16}  {goal:<18}"
            f"{r.status.upper()}{'  (' + r.note + ')' if r.note else ''}"
        )


# --- Mixed workload ------------------------------------------------------------


def mixed_workload(base_url: str, seconds: int) -> dict:
    """50 shoppers browsing, searching, adding and ordering at once (locust)."""
    from django.urls import reverse
    from django.utils import translation
    from oscar.core.loading import get_model

    with translation.override("fr"):
        products = list(
            get_model("catalogue", "Product")
            # Ambient products: the shoppers' checkout picks standard delivery,
            # which chilled ones (rightly) are not offered.
            .objects.filter(
                upc__startswith="BENCH-",
                stockrecords__num_in_stock=100_000,
                cold_chain=False,
            )
            .order_by("pk")[:200]
        )
        categories = list(
            get_model("catalogue", "Category")
            .objects.filter(slug__startswith="bench-", depth=2)
            .order_by("pk")[:20]
        )
        plan = {
            "home": "/fr/",
            "categories": [c.get_absolute_url() for c in categories],
            "products": [
                [p.get_absolute_url(), reverse("basket:add", kwargs={"pk": p.pk})]
                for p in products
            ],
            "search": reverse("search:search"),
            "searches": MIXED_SEARCHES,
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
                )
            },
        }
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        return {"note": "locust is not installed (make install)"}
    warmed = mixed_warm_up(base_url, plan)
    say(f"» mixed workload: {MIXED_SHOPPERS} shoppers for {seconds}s (locust)")
    completed = subprocess.run(  # noqa: S603
        [
            str(locust),
            "-f",
            str(LOCUST_FILE),
            "--headless",
            "--users",
            str(MIXED_SHOPPERS),
            "--spawn-rate",
            str(MIXED_SHOPPERS),
            "--run-time",
            f"{seconds}s",
            "--host",
            base_url,
            "--loglevel",
            "ERROR",
            "--only-summary",
        ],
        env={**os.environ, "BENCH_MIXED_PLAN": json.dumps(plan)},
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 120,
    )
    found = json_line(completed.stdout, "BENCH_MIXED_JSON ")
    if found is None:
        return {"note": f"locust failed: {completed.stderr[-500:]}"}
    return {"shoppers": MIXED_SHOPPERS, "warm_up": warmed, **found}


def mixed_warm_up(base_url: str, plan: dict) -> dict:
    """Visit every page of the plan once, as a shop open for a while has them.

    The run measures a shop in its steady state, not its first minute after
    a restart: 200 product pages and 28 listings, each first rendered while
    50 shoppers wait, would measure the cold start (and, with the local
    engine, which answers one query at a time in up to seconds, its queue).
    """
    paths = [
        plan["home"],
        *plan["categories"],
        *(f"{plan['search']}?q={urllib.parse.quote(text)}" for text in MIXED_SEARCHES),
        *(page for page, _add in plan["products"]),
    ]
    say(f"» warming the cache: {len(paths)} pages of the mixed workload, once each")
    started = time.perf_counter()
    failed = 0
    for number, path in enumerate(paths, 1):
        status, _cookies, _body = request("GET", base_url, path)
        failed += status != 200
        if number % 50 == 0 or number == len(paths):
            say(f"  {number}/{len(paths)} pages")
    seconds = time.perf_counter() - started
    say(f"  done in {seconds:.1f}s ({failed} not answered 200)")
    return {"pages": len(paths), "seconds": round(seconds, 1), "failed": failed}


def json_line(output: str, prefix: str) -> dict | None:
    """Return the JSON a locust file printed after `prefix`, if it did."""
    for line in output.splitlines():
        if line.startswith(prefix):
            return json.loads(line.removeprefix(prefix))
    return None


def print_mixed(mixed: dict) -> None:
    say("")
    if "pages" not in mixed:
        say(f"Mixed workload: {mixed.get('note')}")
        return
    say(
        f"Mixed workload: {mixed['shoppers']} shoppers, {mixed['seconds']:.0f}s "
        f"(targets: 0 errors, page p95 ≤100 ms, page-cache hits ≥90 %):"
    )
    say(f"{'page':<16}{'requests':>10}{'req/s':>8}{'p95 ms':>8}{'errors':>8}")
    for name, page in sorted(mixed["pages"].items()):
        say(
            f"{name:<16}{page['requests']:>10}{page['requests_per_s']:>8.1f}"
            f"{_cell(page['p95_ms'], '{:.0f}'):>8}{page['errors']:>8}"
        )
    cache = mixed["page_cache"]
    say(
        f"Page cache: {cache['hit']} hits, {cache['miss']} misses, "
        f"{cache['bypass']} rendered for one visitor (basket, checkout, degraded): "
        f"hit rate {mixed['hit_rate_cacheable']:.0%} of the pages it can share "
        f"({mixed['hit_rate']:.0%} of all page views)."
    )
    rate = mixed["orders"] / mixed["seconds"]
    say(f"Orders placed: {mixed['orders']} ({rate:.2f}/s); errors: {mixed['errors']}.")


# --- Main ------------------------------------------------------------------------


def main() -> int:
    from search import local_engine

    started_at = datetime.datetime.now(datetime.UTC)
    run_id = started_at.strftime("%Y%m%dT%H%M%SZ")
    duration = _int_env("BENCH_DURATION", 20)
    mixed_seconds = _int_env("BENCH_MIXED_SECONDS", 60)
    warmup = _int_env("BENCH_WARMUP", 3)
    products = _int_env("BENCH_PRODUCTS", 10_000)
    only = {n for n in os.environ.get("BENCH_TARGETS", "").split(",") if n}
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not shutil.which("wrk"):
        say("wrk is missing: run `make bench` (it installs Debian's wrk).")
        return 2

    env = bench_env(run_id)
    services = []
    try:
        say("Starting the search engine (var/bench/search)…")
        engine = local_engine.start(BENCH_DIR / "search")
        services.append(engine)
        env["ELASTICSEARCH_URL"] = engine.url
        # Before Django starts here: the manifest of static files is read once.
        manage(env, "collectstatic", "--no-input", "-v", "0")
        # This process counts queries with the very settings gunicorn runs with.
        os.environ.update(env)
        import django
        from django.core.management import get_commands

        django.setup()
        commands = get_commands()
        spec = prepare_catalogue(env, products, "load_demo" in commands)
        if "search_index" in commands:
            manage(env, "search_index", "rebuild")
        else:
            say("note: `search_index` does not exist yet: the index is not rebuilt.")
        port = local_engine.free_port()
        say(f"Starting gunicorn on 127.0.0.1:{port} (shop/gunicorn.conf.py)…")
        server = Gunicorn(env, port)
        services.append(server)
        services.append(TaskWorker(env))
        server.wait_ready()
        # The rebuild leaves the engine busy for a while: a first search
        # sent now waited past its timeout.
        idle_at_start = settled()
        say(f"Machine idle before measuring: {idle_at_start}%")

        static = check_static(server.url)
        say(
            f"Static files: {static.get('asset')} "
            f"{static.get('content_encoding') or 'uncompressed'}, "
            f"Cache-Control: {static.get('cache_control') or '-'} "
            f"→ {'PASS' if static['ok'] else 'FAIL'}"
        )
        targets, shoppers = discover_targets(server.url)
        results, session_results = [], []
        for target in targets:
            if only and target.name not in only:
                continue
            say(f"» {target.name}: {target.path or target.note}")
            results.append(measure(server, target, duration, warmup))
        for target in shoppers:
            if only and target.name not in only and "session" not in only:
                continue
            say(f"» {target.name} with a basket: {target.path or target.note}")
            session_results.append(measure(server, target, duration, warmup))
        mixed = None
        if not only or "mixed" in only:
            mixed = mixed_workload(server.url, mixed_seconds)
        print_table(results, "Visitors without cookies (whole-page cache):")
        print_table(session_results, "Shoppers with a session and a basket:")
        if mixed:
            print_mixed(mixed)
        report = {
            "started_at": started_at.isoformat(),
            "duration_s": duration,
            "warmup_s": warmup,
            "connections": _int_env("BENCH_CONNECTIONS", 8),
            "cpu_idle_before_measuring_pct": idle_at_start,
            "load_average_at_end": os.getloadavg(),
            "cpus": os.cpu_count(),
            "cache": env["CACHE_URL"],
            "catalogue": spec,
            "static": static,
            "results": [asdict(r) for r in results],
            "session_results": [asdict(r) for r in session_results],
            "mixed": mixed,
        }
        out = BENCH_DIR / "results" / f"{run_id}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
        measured = results + session_results
        failed = [r.name for r in measured if r.status != "pass"]
        say(
            f"\nWrote {out.relative_to(ROOT)}. Idle before measuring: "
            f"{idle_at_start}%; load average at the end: "
            f"{report['load_average_at_end'][0]:.1f} on {report['cpus']} CPUs."
        )
        if measured:
            passed = len(measured) - len(failed)
            say(f"{passed}/{len(measured)} pages meet their target.")
        return 0
    finally:
        for service in reversed(services):
            service.stop()
        say("Stopped gunicorn, the task worker and the search engine.")


if __name__ == "__main__":
    sys.exit(main())
