"""Walk the URLconf: every route, as concrete URLs with real and hostile values.

The routes come from the resolver itself (django.urls.get_resolver), so a page is
walked as soon as it is routed. Each URL parameter gets a real value (the test's
`Known` objects, else the first row of the view's model) and hostile ones that
still match its converter (a value the converter refuses never reaches the view).
Every request runs in a savepoint that is rolled back, with the client's cookies
put back: a POST that logs out, deletes or places something does not change what
the next request finds.
"""

import copy
import html
import re
import time
import traceback
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)
from django.utils import translation
from django.utils.regex_helper import normalize

ROOT = Path(__file__).resolve().parents[2]

HUGE = "99999999999999999999"  # beyond a 64-bit integer
LONG = "a" * 5000
NUL = "\x00"
ARABIC = "زيت-أركان"
EVIL = "https://evil.example/"

# Whatever a form field may receive: empty, wrong types, out of range, NUL, an
# overlong string, Arabic digits, a repeated field (a list), markup, a URL.
FIELD_VALUES = [
    "",
    "abc",
    "-1",
    HUGE,
    NUL,
    LONG,
    "١٢٣",
    "1e309",
    "NaN",
    EVIL,
    "<script>alert(1)</script>",
    "0",
    "../../",
    ["1", "abc"],
    "2024-02-30",
    "a@b",
    " ",
    ARABIC,
    "1.5",
    "%00",
    "²",  # a digit to str.isdigit(), not to int()
]
# A formset's form count: hostile but small. A huge one makes Django build
# forms up to its cap (1,000 more than the maximum): slow by design, no error,
# and a minute of the walk's budget on the product form alone.
COUNT_VALUES = ["", "abc", "-1", NUL, "1e309", "²", "3"]
# Names tried on a page that shows no form (a POST-only endpoint).
GENERIC_FIELDS = [
    "quantity",
    "action",
    "id",
    "pk",
    "line",
    "number",
    "email",
    "username",
    "password",
    "code",
    "amount",
    "status",
    "next",
    "address_id",
    "method_code",
    "method",
    "selected_notification",
    "language",
    "form-TOTAL_FORMS",
    "form-INITIAL_FORMS",
    "form-0-quantity",
    "form-0-id",
]
# Query parameters lists, filters and redirects read; one set per request, in turn.
QUERIES = [
    {"page": "abc", "sort_by": NUL, "q": LONG, "next": EVIL},
    {"page": "-1", "status": NUL, "o": "abc", "p": "abc", "e": "1", "ordering": NUL},
    {"page": "99999999", "q": NUL, "selected_facets": f"abc:{NUL}", "id": HUGE},
    {"page": HUGE, "date_from": "abc", "date_to": "99999-99-99", "sort": ARABIC},
    {"q": ARABIC, "next": "//evil.example", "format": "abc", "pk": "abc", "p": HUGE},
    {"page": "²", "p": "²", "status": "abc", "q": "'\"><", "next": "abc"},
]
FIELD_NAME = re.compile(
    r"<(?:input|select|textarea|button)\b[^>]*?\sname=\"([^\"]+)\"", re.IGNORECASE
)


@dataclass(frozen=True)
class Route:
    chain: tuple  # the URLResolvers and the URLPattern, from the root down
    route: str  # "fr/shop/basket/add/<int:pk>/", for messages
    name: str  # namespaced URL name, "" when unnamed
    index: int

    @property
    def view(self):
        return self.chain[-1].callback

    def params(self) -> list[tuple[str, object]]:
        """Each URL parameter with its converter (None: a regex group)."""
        found = []
        for pattern in self.chain:
            converters = getattr(pattern.pattern, "converters", {})
            for name in _format(pattern)[1]:
                found.append((name, converters.get(name)))
        return found


def _format(pattern) -> tuple[str, list[str]]:
    return normalize(pattern.pattern.regex.pattern)[0]


def routes() -> list[Route]:
    """Every view of the URLconf, with the chain of patterns that leads to it."""

    def walk(resolver, chain, route, namespace):
        for pattern in resolver.url_patterns:
            here = (*chain, pattern)
            text = route + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern, here, text, inner)
            else:
                name = f"{namespace}{pattern.name}" if pattern.name else ""
                yield here, text, name

    with translation.override("fr"):
        found = list(walk(get_resolver(), (), "", ""))
    return [
        Route(chain=chain, route=text, name=name, index=index)
        for index, (chain, text, name) in enumerate(found)
    ]


def url_build(route: Route, values: dict[str, str], language: str = "fr") -> str:
    """The URL of `route` with these parameter values, quoted as reverse() does."""
    with translation.override(language):
        parts = []
        for pattern in route.chain:
            text, names = _format(pattern)
            parts.append(text % {name: values[name] for name in names})
    path = "/" + "".join(parts)
    path = urllib.parse.quote(path, safe="/~:@!$&'()*+,;=")
    return path.replace("/../", "/%2E%2E/").replace("/./", "/%2E/")


def reaches(route: Route, url: str, language: str = "fr") -> bool:
    """Whether `url` is served by the view of `route` (not a 404 or another page)."""
    path = urllib.parse.unquote(url.partition("?")[0])
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return False
    return match.func is route.view


def hostile_values(converter) -> list[str]:
    """Hostile values the converter still accepts, the likeliest trouble first."""
    if isinstance(converter, IntConverter):
        return [HUGE, "0"]
    if isinstance(converter, UUIDConverter):
        return ["00000000-0000-0000-0000-000000000000"]
    if isinstance(converter, SlugConverter):
        return [LONG, "-"]
    if isinstance(converter, PathConverter):
        return ["../../../etc/passwd", NUL, LONG]
    if isinstance(converter, StringConverter):
        return [NUL, LONG, ARABIC, "..", "²", "'\"><"]
    # A regex group: whichever of these its pattern lets through.
    return [HUGE, NUL, LONG, ARABIC, "²", "١٢٣", "0", "-", "..", f"{LONG}/"]


# Values a converter refuses: the request ends at another route (Wagtail's
# catch-all) or at the 404 page, which must hold too.
REFUSED = ["abc", "-1", "%2F", "1.5", NUL]


@dataclass
class Known:
    """Real values of URL parameters: per URL name, then for any URL."""

    per_url: dict = field(default_factory=dict)
    common: dict = field(default_factory=dict)

    def value(self, route: Route, name: str, converter) -> str:
        specific = self.per_url.get(route.name, {})
        if name in specific:
            return str(specific[name])
        if name in self.common:
            return str(self.common[name])
        model = _model_of(route.view)
        if model is not None and _names_a_row(name, converter):
            row = model._default_manager.order_by("pk").first()
            if row is not None:
                return str(row.pk)
        if isinstance(converter, IntConverter) or _names_a_row(name, converter):
            return "1"
        return "abc"


def _model_of(view):
    model_admin = getattr(view, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    initkwargs = getattr(view, "view_initkwargs", {}) or {}
    model = initkwargs.get("model") or getattr(
        getattr(view, "view_class", None), "model", None
    )
    return model if hasattr(model, "_default_manager") else None


def _names_a_row(name: str, converter) -> bool:
    return name in ("pk", "id", "object_id") or name.endswith(("_id", "_pk"))


@dataclass
class Walker:
    """Sends the requests and keeps every 500 and exception it meets."""

    failures: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    # Seconds spent per route, to see where the walk's time goes.
    timings: Counter = field(default_factory=Counter)
    slowest: list = field(default_factory=list)

    def send(self, client, role, method, url, data=None, *, json=None, route=None):
        """GET or POST `url` in a rolled-back savepoint; None if it raised."""
        self.requests += 1
        cookies = copy.deepcopy(client.cookies)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                if method == "GET":
                    response = client.get(url)
                elif json is not None:
                    response = client.post(url, json, content_type="application/json")
                else:
                    response = client.post(url, data or {})
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - every crash is a finding
            self._fail(role, method, url, data, route, _explain(error))
            return None
        finally:
            client.cookies = cookies
            spent = time.perf_counter() - started
            self.seconds += spent
            if route is not None:
                self.timings[route.route] += spent
            self.slowest = sorted(
                [*self.slowest, (spent, f"{role} {method} {_short(url)[:150]}")],
                reverse=True,
            )[:10]
        if response.status_code >= 500:
            self._fail(role, method, url, data, route, f"HTTP {response.status_code}")
        return response

    def _fail(self, role, method, url, data, route, detail):
        where = f" [{route.route}]" if route else ""
        body = f" {_short(repr(data))}" if data else ""
        self.failures.append(
            f"{role} {method} {_short(url)}{body}{where} → {_short(detail)}"
        )

    def report(self) -> str:
        return f"{len(self.failures)} failures:\n" + "\n".join(self.failures)


def _explain(error: BaseException) -> str:
    """The exception and the deepest frame of our own code it went through."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(str(ROOT))
        and "/.venv/" not in frame.filename
        and "/tests/" not in frame.filename
    ]
    where = ""
    if frames:
        frame = frames[-1]
        where = f" at {Path(frame.filename).relative_to(ROOT)}:{frame.lineno}"
    message = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {message[:300]}{where}"


def _short(text: str) -> str:
    """Shorten overlong values in messages: 'a×5000'."""
    text = re.sub(r"(a|%00|\\x00)\1{20,}", lambda m: f"{m.group(1)}×…", text)
    return text if len(text) < 600 else f"{text[:600]}…"


def form_fields(response) -> list[str]:
    """The names of the form fields a page shows (for hostile bodies and queries)."""
    if (
        response is None
        or response.status_code != 200
        or getattr(response, "streaming", False)
        or "html" not in response.get("Content-Type", "")
    ):
        return []
    names = dict.fromkeys(
        html.unescape(name)
        for name in FIELD_NAME.findall(response.content.decode(errors="replace"))
    )
    names.pop("csrfmiddlewaretoken", None)
    return list(names)[:40]


def _hostile_value(name: str, turn: int):
    values = COUNT_VALUES if name.endswith("_FORMS") else FIELD_VALUES
    return values[turn % len(values)]


def hostile_form(names: list[str], seed: int) -> dict:
    """Every field with a hostile value, one field missing, one unexpected."""
    names = names or GENERIC_FIELDS
    data = {
        name: _hostile_value(name, position * 7 + seed)
        for position, name in enumerate(names)
    }
    if len(names) > 1:
        data.pop(names[seed % len(names)])
    data["unexpected"] = "x" * 100
    return data


def hostile_query(names: list[str], seed: int) -> str:
    """A query string: the page's own fields with hostile values, and the usual
    list and redirect parameters (one set of them, in turn)."""
    query = dict(QUERIES[seed % len(QUERIES)])
    for position, name in enumerate(names[:15]):
        query.setdefault(name, _hostile_value(name, position * 3 + seed))
    return urllib.parse.urlencode(query, doseq=True)


def hostile_urls(route: Route, known: Known, *, seed: int, limit: int) -> list[str]:
    """Up to `limit` URLs of the route, each with one hostile parameter that
    still reaches the view (the parameter in turn, by `seed`)."""
    params = route.params()
    if not params:
        return []
    valid = {name: known.value(route, name, conv) for name, conv in params}
    candidates = [
        (name, value)
        for rank in range(max(len(hostile_values(conv)) for _name, conv in params))
        for name, conv in params
        if rank < len(hostile_values(conv))
        for value in [hostile_values(conv)[rank]]
    ]
    offset = seed % len(params)
    candidates = candidates[offset:] + candidates[:offset]
    urls = []
    for name, value in candidates:
        url = url_build(route, {**valid, name: value})
        if url not in urls and reaches(route, url):
            urls.append(url)
            if len(urls) == limit:
                break
    return urls


def refused_url(route: Route, known: Known, *, seed: int) -> str | None:
    """The route's URL with a value its converter refuses, if it has a parameter."""
    params = route.params()
    if not params:
        return None
    valid = {name: known.value(route, name, conv) for name, conv in params}
    name = params[seed % len(params)][0]
    return url_build(route, {**valid, name: REFUSED[seed % len(REFUSED)]})


def valid_url(route: Route, known: Known, language: str = "fr") -> str:
    values = {name: known.value(route, name, conv) for name, conv in route.params()}
    return url_build(route, values, language)


def walk_route(
    walker: Walker,
    route: Route,
    known: Known,
    *,
    client,
    role: str,
    depth: str,
    seed: int,
    language: str = "fr",
) -> None:
    """Open one route as one role.

    `once`: a GET (an empty POST when the page takes only POST). `probe`: the
    GET and one hostile request, in turn by `seed`. `full`: the GET, a POST of
    the page's fields with hostile values, a hostile path (else query), and on
    every other route one more in turn: an empty POST, a hostile query, a
    refused id, broken JSON or a hostile path posted to.
    """
    url = valid_url(route, known, language)
    page = walker.send(client, role, "GET", url, route=route)
    if depth == "once":
        if page is not None and page.status_code == 405:
            walker.send(client, role, "POST", url, route=route)
        return
    names = form_fields(page)
    hostile = hostile_urls(route, known, seed=seed, limit=1)

    def hostile_path():
        if hostile:
            walker.send(client, role, "GET", hostile[0], route=route)
        else:
            query()

    def query():
        walker.send(
            client, role, "GET", f"{url}?{hostile_query(names, seed)}", route=route
        )

    def post_fields():
        walker.send(client, role, "POST", url, hostile_form(names, seed), route=route)

    def post_empty():
        walker.send(client, role, "POST", url, route=route)

    def refused():
        refused_url_ = refused_url(route, known, seed=seed)
        if refused_url_:
            walker.send(client, role, "GET", refused_url_, route=route)
        else:
            post_empty()

    def post_json():
        walker.send(client, role, "POST", url, json='{"data": [', route=route)

    def post_hostile_path():
        if hostile:
            data = hostile_form(names, seed + 1)
            walker.send(client, role, "POST", hostile[0], data, route=route)
        else:
            post_empty()

    if depth == "probe":
        [hostile_path, post_fields, post_empty, query][seed % 4]()
        return
    post_fields()
    hostile_path()
    if seed % 2 == 0:
        [post_empty, query, refused, post_json, post_hostile_path][seed // 2 % 5]()
