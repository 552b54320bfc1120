"""Caching of catalogue data and anonymous pages, invalidated by a version key.

Every entry is tied to `catalogue_version()`, bumped after commit whenever a
product, stock record, certification, cooperative, category or CMS page changes
(see shop/receivers.py), and to today's local date, so a certification that
expires at midnight disappears with the first request of the next day. Stale
entries are never invalidated one by one: they stop being read and expire.

Page owners can cache fragments with Django's tag and the context variable
`catalogue_version` (version, date and the request's pricing key), adding the
language: `{% cache 300 product_card product.pk catalogue_version LANGUAGE_CODE %}`;
and data with `catalogue_cached("name", *parts, compute=..., sales_context=...)`
(or `catalogue_cached_or_previous` when computing is slow: one request
recomputes after a change while the others get the previous value meanwhile).
Data showing prices or availability passes the sales context it was computed
for, so buyers who see other prices (a store's counter, a wholesale buyer)
never get it; data the same for every buyer passes `sales_context=None`.
Whole pages are kept per pricing key too.

Documented delays: a change saved through the ORM shows on the next request
(requests arriving while that one renders the page may still get the previous
copy, for the duration of a render);
a bulk `QuerySet.update()` that sends no signal shows within
CATALOGUE_CACHE_SECONDS (default 300 s) for data and PAGE_CACHE_SECONDS (default
60 s) for pages; an expiry shows from local midnight. Time-dependent text on a
cached page ("open now") may lag by PAGE_CACHE_SECONDS.

The cache backend comes from CACHE_URL (local memory by default, Redis in
production). Local memory is per process: a bump is seen only by the process
that made it, so any multi-process server must use a shared backend.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from shop.sales.context import SalesContext
from shop.sales.selectors import sales_context_get

VERSION_KEY = "catalogue:version"
VERSION_TIMEOUT = 60 * 60 * 24 * 30
CSRF_PLACEHOLDER = "@@csrf-token@@"
# hit (a stored copy), miss (rendered) or bypass (personal cookies: never shared).
PAGE_CACHE_HEADER = "X-Page-Cache"
# A stale page may still be served this long after it expired, and only while
# another request renders it again (at most REFRESH_LOCK_SECONDS, should that
# request die).
STALE_GRACE_SECONDS = 30
REFRESH_LOCK_SECONDS = 10
_MISSING = object()
# Masked CSRF tokens are 64 letters and digits (django.middleware.csrf).
_CSRF_CANDIDATE = re.compile(r"[A-Za-z0-9]{64}")


def catalogue_version() -> int:
    """Return the current catalogue version (one cache read)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        _seed_version()
        version = cache.get(VERSION_KEY)
    return version


def catalogue_version_bump() -> None:
    """Make every cached catalogue entry stale (call after commit)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        _seed_version()


def _seed_version() -> None:
    # Seeded from the clock (milliseconds) so a version key lost by the cache
    # (eviction, expiry, restart) never comes back to a value that older entries
    # still use; bumps would have to outpace the clock to collide.
    cache.add(VERSION_KEY, time.time_ns() // 1_000_000, timeout=VERSION_TIMEOUT)


# The pricing-key part of keys for data that is the same for every buyer.
SHARED = "shared"


def catalogue_cache_key(name: str, *parts, sales_context: SalesContext | None) -> str:
    """Build a key that changes with the catalogue, the day, the language and,
    for data showing prices or availability, the buyer's pricing key."""
    return _data_key(
        name, parts, version=catalogue_version(), sales_context=sales_context
    )


def _data_key(
    name: str,
    parts,
    *,
    version,
    sales_context: SalesContext | None,
    language: str | None = None,
) -> str:
    raw = ":".join(str(part) for part in parts)
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return ":".join(
        [
            "catalogue",
            str(version),
            timezone.localdate().isoformat(),
            (get_language() or "") if language is None else language,
            sales_context.pricing_key if sales_context is not None else SHARED,
            name,
            digest,
        ]
    )


def _timeout() -> int:
    return getattr(settings, "CATALOGUE_CACHE_SECONDS", 300)


def catalogue_cached(name: str, *parts, compute, sales_context: SalesContext | None):
    """Return compute() from the cache, computing and storing it when missing.

    `sales_context` is the context whose prices and availability the value
    shows, or None when it shows none (menus, addresses, stories).
    """
    key = catalogue_cache_key(name, *parts, sales_context=sales_context)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, _timeout())
    return value


def catalogue_cached_or_previous(
    name: str,
    *parts,
    compute,
    sales_context: SalesContext | None,
    keep=lambda value: True,
    language: str | None = None,
):
    """Like catalogue_cached, for values slow to compute (search engine answers).

    After a catalogue change, one request computes the new value while
    concurrent ones get the previous value (for as long as the computation
    takes) instead of all computing it at once. A value `keep` refuses, or a
    compute() that raises, is not stored. `language` shares one value between
    languages ("") instead of one per language (None).
    """
    key = _data_key(
        name,
        parts,
        version="latest",
        sales_context=sales_context,
        language=language,
    )
    stored, version = _stored_and_version(key)
    if stored is not None and stored["version"] == version:
        return stored["value"]
    if not _refresh_claimed(key, stored):
        return stored["value"]
    try:
        value = compute()
        if keep(value):
            cache.set(key, {"version": version, "value": value}, _timeout())
    finally:
        _refresh_released(key, stored)
    return value


def _stored_and_version(key: str) -> tuple[dict | None, int]:
    """Return what is stored under a key kept across versions (with the version
    it was computed at) and the current catalogue version, in one round trip."""
    found = cache.get_many([VERSION_KEY, key])
    return found.get(key), found.get(VERSION_KEY) or catalogue_version()


def _refresh_claimed(key: str, stored) -> bool:
    """Tell whether this request should compute a stale or missing value again.

    Yes when nothing is stored (there is nothing else to serve), otherwise only
    for the first request to ask: the others serve what is stored meanwhile.
    """
    return stored is None or cache.add(f"{key}:refreshing", 1, REFRESH_LOCK_SECONDS)


def _refresh_released(key: str, stored) -> None:
    if stored is not None:
        cache.delete(f"{key}:refreshing")


def catalogue_version_context(request):
    """Template context processor: `catalogue_version` for `{% cache %}` vary-on.

    It holds the request's pricing key too, so a fragment cached for one kind
    of buyer is never shown to another. Lazy, so templates that do not use it
    cost no cache read.
    """

    def vary_on() -> str:
        pricing_key = sales_context_get(request=request).pricing_key
        return f"{catalogue_version()}-{timezone.localdate().isoformat()}-{pricing_key}"

    return {"catalogue_version": SimpleLazyObject(vary_on)}


def _shareable_cookies() -> set[str]:
    # Cookies a response may set and still be shared between cookie-less
    # visitors: Oscar's recently-viewed history is a pure function of the URL
    # for a visitor who had none. The CSRF cookie is re-issued per visitor.
    return {settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME}


def request_is_shareable(request) -> bool:
    """Tell whether a request may get a page rendered for someone else.

    Only without any cookie that can personalise the page (session, basket,
    messages, history): the CSRF and language cookies are fine.
    """
    neutral = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return set(request.COOKIES) <= neutral


def _response_is_shareable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    return set(response.cookies) <= _shareable_cookies() | {settings.CSRF_COOKIE_NAME}


def _without_csrf_tokens(request, content: str) -> str:
    """Replace every token masked from this visitor's CSRF secret by a placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content
    return _CSRF_CANDIDATE.sub(
        lambda match: (
            CSRF_PLACEHOLDER
            if _unmask_cipher_token(match.group()) == secret
            else match.group()
        ),
        content,
    )


# Pages of someone's account, basket or checkout.
PRIVATE_NAMESPACES = frozenset({"customer", "basket", "checkout"})


class PrivatePagesMiddleware:
    """Keep a visitor's own account, basket and checkout pages out of shared caches.

    Only for requests carrying personal cookies: the same pages for a
    cookie-less visitor (the sign-in form, an empty basket) are impersonal and
    stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        personal = not request_is_shareable(request) or response.cookies.keys() - {
            settings.CSRF_COOKIE_NAME
        }
        if match and personal and PRIVATE_NAMESPACES & set(match.namespaces):
            patch_cache_control(response, private=True)
        return response


class AnonymousPageCacheMiddleware:
    """Serve whole pages from the cache to visitors without personal cookies.

    Signed-in users and visitors with a basket, a session or pending messages
    always get a freshly rendered page, and so does any page whose rendering
    touched the session or set a personal cookie. CSRF tokens are cut out before
    storing and a fresh one, for the visitor's own CSRF cookie, is put back on
    every hit. Pages stay fresh PAGE_CACHE_SECONDS (0 turns the cache off,
    the default with DEBUG on); catalogue changes show on the next request.

    When a page has expired or the catalogue changed, the first request renders
    it again; requests arriving meanwhile get the previous copy (for the few
    milliseconds of a render) rather than all rendering it at once, which on a
    busy page would stall every worker together.

    Goes after CsrfViewMiddleware, so the visitor's CSRF cookie is known.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if not timeout or request.method != "GET":
            return self.get_response(request)
        if not request_is_shareable(request):
            return _marked(self.get_response(request), "bypass")
        # The page is stored with the catalogue version it was rendered at, under
        # a key without it, so one round trip fetches both.
        key = _page_key(request)
        stored, version = _stored_and_version(key)
        if stored is not None:
            fresh = stored.get("fresh_until", 0) > time.time()
            if fresh and stored["version"] == version:
                return _marked(_rebuild(request, stored), "hit")
        # Stale: one request renders the page again while the others keep
        # getting the previous copy, instead of all rendering it at once.
        if not _refresh_claimed(key, stored):
            return _marked(_rebuild(request, stored), "hit")
        try:
            response = self.get_response(request)
            session = getattr(request, "session", None)
            if _response_is_shareable(response) and not (session and session.modified):
                # Shared only with visitors without personal cookies: a proxy
                # must not hand this copy to one who has them.
                patch_vary_headers(response, ("Cookie",))
                frozen = _freeze(request, response)
                frozen.update(version=version, fresh_until=time.time() + timeout)
                cache.set(key, frozen, timeout + STALE_GRACE_SECONDS)
        finally:
            _refresh_released(key, stored)
        return _marked(response, "miss")


def _marked(response, outcome: str):
    # Lets a load test (or an operator with curl) measure the hit rate.
    response[PAGE_CACHE_HEADER] = outcome
    return response


def _page_key(request) -> str:
    path = f"{request.get_host()}{request.get_full_path()}"
    return ":".join(
        [
            "page",
            timezone.localdate().isoformat(),
            get_language() or "",
            sales_context_get(request=request).pricing_key,
            hashlib.blake2b(path.encode(), digest_size=16).hexdigest(),
        ]
    )


def _freeze(request, response) -> dict:
    charset = response.charset
    return {
        "content": _without_csrf_tokens(request, response.content.decode(charset)),
        "charset": charset,
        "headers": {
            name: value
            for name, value in response.headers.items()
            if name.lower() in ("content-type", "content-language", "vary")
        },
        "cookies": [
            (morsel.key, morsel.value, dict(morsel))
            for morsel in response.cookies.values()
            if morsel.key in _shareable_cookies()
        ],
    }


def _rebuild(request, stored: dict) -> HttpResponse:
    content = stored["content"]
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(content.encode(stored["charset"]))
    for name, value in stored["headers"].items():
        response[name] = value
    for key, value, attributes in stored["cookies"]:
        response.set_cookie(
            key,
            value,
            max_age=attributes.get("max-age") or None,
            path=attributes.get("path") or "/",
            secure=bool(attributes.get("secure")),
            httponly=bool(attributes.get("httponly")),
            samesite=attributes.get("samesite") or None,
        )
    return response
