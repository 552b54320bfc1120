"""Caching of catalogue data and shared pages, invalidated as finely as it can.

Two kinds of versions decide whether a cached entry may still be served:

- the *structure* version, `catalogue_version()`, bumped after commit when what
  the catalogue is made of changes: a product created or deleted, categories and
  their members, cooperatives, stores, CMS pages, price tiers, a reindex;
- one version per product, bumped after commit when the product, its stock,
  photos, certifications or wholesale prices change, and when a sale takes its
  last units (it leaves the listings' "in stock", and the search index catches
  up with it);
- one *stock figure* version per product, bumped by every sale: only what
  prints how many units are left ("In stock (12 available)") follows it, so a
  sale that leaves the product in stock throws away its product page and
  nothing else.

Every entry is keyed by the structure version and today's local date (a
certification that expires at midnight disappears with the first request of the
next day) and remembers the versions it depends on: those of the products it
shows (a Product instance created, or priced by the strategy, and those named
with `products_shown()`) and the stock figures it prints (`stock_figures_shown()`,
called by the availability message). A change to one product thus throws away
its page and the listings, cards and fragments that show it, and nothing else.
Entries are never deleted one by one: they stop being read and expire.

Page owners cache fragments with `{% catalogue_fragment "name" *vary_on %}` (a
product among `vary_on` is a dependency too); data with
`catalogue_cached("name", *parts, compute=..., sales_context=...)` (or
`catalogue_cached_or_previous` when computing is slow: one request recomputes
after a change while the others get the previous value meanwhile). Data showing
prices or availability passes the sales context it was computed for, so buyers
who see other prices (a store's counter, a wholesale buyer) never get it; data
the same for every buyer passes `sales_context=None`. Whole pages are kept per
pricing key too (shop/page_cache.py).

Documented delays: a change saved through the ORM shows on the next request
(requests arriving while that one renders the page may still get the previous
copy, for the duration of a render); a bulk `QuerySet.update()` that sends no
signal shows within CATALOGUE_CACHE_SECONDS (default 300 s) for data and
PAGE_CACHE_SECONDS (default 60 s) for pages and fragments; counts that summarise
many products (facet counts, "n products") may lag a sale by as much; an expiry
shows from local midnight. Time-dependent text on a cached page ("open now")
may lag by PAGE_CACHE_SECONDS.

The cache backend comes from CACHE_URL (local memory by default, Redis in
production). Local memory is per process: a bump is seen only by the process
that made it, so any multi-process server must use a shared backend. A bump
Redis did not take (it timed out or refused, shop/redis_pause.py) is made again
by the process's first request once Redis is asked again: without it, copies
kept before the outage would be served until they expire.
"""

import contextlib
import contextvars
import hashlib
import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from shop import redis_pause
from shop.sales.context import SalesContext
from shop.sales.selectors import sales_context_get

VERSION_KEY = "catalogue:version"
VERSION_TIMEOUT = 60 * 60 * 24 * 30
PRODUCT_VERSION_KEY = "catalogue:product:{}"
STOCK_VERSION_KEY = "catalogue:stock:{}"
# A product changed this long before a computation started may still have
# been read at its old state by it (the version moves after commit, and the
# clocks of two servers differ a little): such a result is served, not kept.
RACE_MARGIN_NS = 100_000_000
REFRESH_LOCK_SECONDS = 10
# How long a request waits for another one's first computation of a value
# nothing is stored for yet, before computing it too.
FIRST_WAIT_SECONDS = 3.0
FIRST_WAIT_STEP_SECONDS = 0.02
# Beyond this many bumps owed to the cache, one structure bump stands for all.
OWED_MAX = 500
_MISSING = object()
_owed: dict[tuple, Callable[[], None]] = {}
_owed_lock = threading.Lock()
# The version keys each entry read by this process depended on (at most
# DEPENDENCIES_KEPT entries), to read them with it next time.
DEPENDENCIES_KEPT = 10_000
_dependencies_read: dict[str, tuple[str, ...]] = {}
_shown: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "catalogue_products_shown", default=None
)
_kept_version: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "catalogue_version_kept", default=None
)


def catalogue_version() -> int:
    """Return the current structure version (one cache read, or none within
    `catalogue_version_kept()`)."""
    kept = _kept_version.get()
    if kept is not None and kept:
        return kept[0]
    version = cache.get(VERSION_KEY)
    if version is None:
        _seed_version()
        version = cache.get(VERSION_KEY)
    if kept is not None:
        kept.append(version)
    return version


@contextlib.contextmanager
def catalogue_version_kept():
    """Read the structure version once for everything inside (a page's
    fragments and data), not once per entry: a page renders at one version."""
    token = _kept_version.set([])
    try:
        yield
    finally:
        _kept_version.reset(token)


def catalogue_version_bump() -> None:
    """Make every cached catalogue entry stale (call after commit)."""
    _written_or_owed(("structure",), _structure_bump)


def _structure_bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        _seed_version()


def _seed_version() -> None:
    # Seeded from the clock (milliseconds) so a version key lost by the cache
    # (eviction, expiry, restart) never comes back to a value that older entries
    # still use; bumps would have to outpace the clock to collide.
    cache.add(VERSION_KEY, time.time_ns() // 1_000_000, timeout=VERSION_TIMEOUT)


def version_bump(key: str, *, timeout: int = VERSION_TIMEOUT) -> None:
    """Move a version key (offers, permissions, a visitor's parts) to the time
    of the bump."""
    _written_or_owed(
        ("version", key), lambda: cache.set(key, time.time_ns(), timeout=timeout)
    )


def version_or_seeded(key: str, found: int | None) -> int | None:
    """The version `found` at `key`, or, when the cache had none, the one this
    call or a concurrent one seeded from the clock."""
    if found is not None:
        return found
    cache.add(key, time.time_ns(), timeout=VERSION_TIMEOUT)
    return cache.get(key)


def _bump(key_format: str, product_ids: Iterable[int | None]) -> None:
    # The new version is the time of the bump: an entry computed from rows
    # read before it can tell it may be stale (see `_versions_shown`).
    keys = sorted({key_format.format(pk) for pk in product_ids if pk})

    def write():
        cache.set_many(dict.fromkeys(keys, time.time_ns()), VERSION_TIMEOUT)

    if keys:
        _written_or_owed(("versions", *keys), write)


def _written_or_owed(name: tuple, write: Callable[[], None]) -> None:
    """Make a version bump; when the cache may have missed it, owe it, to be
    made again by `owed_bumps_made` (under `name`: the same bump owed twice is
    made once)."""
    failures = redis_pause.failures
    write()
    if redis_pause.failures == failures:
        return
    with _owed_lock:
        if len(_owed) >= OWED_MAX:
            _owed.clear()
            _owed[("structure",)] = _structure_bump
        else:
            _owed[name] = write


def owed_bumps_made(**kwargs) -> None:
    """Make again the bumps the cache missed, once Redis may be asked again
    (receiver of request_started: the first request after an outage)."""
    if not _owed or redis_pause.paused.active:
        return
    with _owed_lock:
        owed = list(_owed.items())
        _owed.clear()
    for name, write in owed:
        _written_or_owed(name, write)


def product_versions_bump(*, product_ids: Iterable[int | None]) -> None:
    """Make the cached entries showing these products stale (call after commit)."""
    _bump(PRODUCT_VERSION_KEY, product_ids)


def stock_versions_bump(*, product_ids: Iterable[int | None]) -> None:
    """Make the cached entries printing these products' stock figures stale
    (call after commit)."""
    _bump(STOCK_VERSION_KEY, product_ids)


def product_version(product_id: int) -> int | None:
    """Return a product's version (None until it first changes)."""
    return cache.get(PRODUCT_VERSION_KEY.format(product_id))


def _depends_on(key_format: str, product_ids) -> None:
    shown = _shown.get()
    if shown is not None:
        shown.update(key_format.format(pk) for pk in product_ids if pk)


def products_shown(*product_ids: int | None) -> None:
    """Record that what is being computed or rendered shows these products."""
    _depends_on(PRODUCT_VERSION_KEY, product_ids)


def stock_figures_shown(*product_ids: int | None) -> None:
    """Record that what is being computed or rendered prints how many units of
    these products are left (a sale changes it)."""
    _depends_on(STOCK_VERSION_KEY, product_ids)


@contextlib.contextmanager
def products_shown_collected():
    """Collect the products shown by what runs inside; they count for any
    enclosing collection too (a fragment's products are its page's)."""
    outer = _shown.get()
    inner: set[str] = set()
    token = _shown.set(inner)
    try:
        yield inner
    finally:
        _shown.reset(token)
        if outer is not None:
            outer.update(inner)


def _versions_shown(shown: set[str], *, started_ns: int) -> dict[str, int] | None:
    """Return the versions a result depends on ({version key: version}), or
    None when one changed while it was computed (the result must not be kept)."""
    if not shown:
        return {}
    found = cache.get_many(list(shown))
    versions = {key: found.get(key) for key in shown}
    if any(
        version is not None and version >= started_ns - RACE_MARGIN_NS
        for version in versions.values()
    ):
        return None
    return versions


def versions_current(versions: dict[str, int]) -> bool:
    """Tell whether nothing a cached result depends on changed since."""
    if not versions:
        return True
    found = cache.get_many(list(versions))
    return all(found.get(key) == version for key, version in versions.items())


class Computed:
    """A value computed with the products it shows and their versions then."""

    __slots__ = ("value", "versions")

    def __init__(self, value, versions):
        self.value = value
        self.versions = versions

    @property
    def keepable(self) -> bool:
        return self.versions is not None


def computed(compute) -> Computed:
    """Run compute() and note the products it showed, re-announcing them to
    any enclosing collection (a page caching what it shows)."""
    started = time.time_ns()
    with products_shown_collected() as shown:
        value = compute()
    return Computed(value, _versions_shown(shown, started_ns=started))


def replayed(versions: dict[str, int]) -> None:
    """Announce what a cached result depends on to the enclosing collection."""
    shown = _shown.get()
    if shown is not None:
        shown.update(versions)


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


def catalogue_cached(
    name: str,
    *parts,
    compute,
    sales_context: SalesContext | None,
    timeout=None,
    keep=lambda value: True,
):
    """Return compute() from the cache, computing and storing it when missing.

    `sales_context` is the context whose prices and availability the value
    shows, or None when it shows none (menus, addresses, stories). A value
    `keep` refuses is not stored.
    """
    key = catalogue_cache_key(name, *parts, sales_context=sales_context)
    stored = cache.get(key, _MISSING)
    if stored is not _MISSING and versions_current(stored["versions"]):
        replayed(stored["versions"])
        return stored["value"]
    result = computed(compute)
    if result.keepable and keep(result.value):
        cache.set(
            key,
            {"value": result.value, "versions": result.versions},
            _timeout() if timeout is None else timeout,
        )
    return result.value


def catalogue_cached_per_product(
    name: str, product_ids, *, compute, sales_context: SalesContext | None
) -> dict:
    """Return {product id: value} for many products at once, computing in one
    call (`compute(missing_ids)` → {id: value}) only what the cache lacks or
    what changed since. Each value follows its own product's version."""
    version = catalogue_version()
    keys = {
        pk: _data_key(name, (pk,), version=version, sales_context=sales_context)
        for pk in product_ids
    }
    stored = cache.get_many(list(keys.values()))
    versions = cache.get_many([PRODUCT_VERSION_KEY.format(pk) for pk in keys])
    found = {}
    for pk, key in keys.items():
        entry = stored.get(key)
        version_key = PRODUCT_VERSION_KEY.format(pk)
        if entry is not None and entry["versions"] == {
            version_key: versions.get(version_key)
        }:
            found[pk] = entry["value"]
    missing = [pk for pk in keys if pk not in found]
    if missing:
        started = time.time_ns()
        values = compute(missing)
        fresh = {}
        for pk in missing:
            found[pk] = values.get(pk)
            shown = _versions_shown(
                {PRODUCT_VERSION_KEY.format(pk)}, started_ns=started
            )
            if shown is not None:
                fresh[keys[pk]] = {"value": found[pk], "versions": shown}
        cache.set_many(fresh, _timeout())
    products_shown(*keys)
    return found


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
    stored, version, current = stored_current(key)
    if stored is not None and stored["version"] == version and current:
        replayed(stored["versions"])
        return stored["value"]
    claimed = refresh_claimed(key)
    if not claimed:
        stored = stored or first_computation_awaited(key)
        if stored is not None:
            replayed(stored["versions"])
            return stored["value"]
    try:
        result = computed(compute)
        if result.keepable and keep(result.value):
            cache.set(
                key,
                {
                    "version": version,
                    "value": result.value,
                    "versions": result.versions,
                },
                _timeout(),
            )
    finally:
        if claimed:
            refresh_released(key)
    return result.value


def stored_current(key: str) -> tuple[dict | None, int, bool]:
    """Return what is stored under a key kept across versions (with the version
    it was computed at and the versions it depends on), the current structure
    version, and whether those versions are all current.

    One round trip once this process has read the entry: the version keys it
    depended on then are read with it (a second one only when they differ).
    """
    dependencies = _dependencies_read.get(key, ())
    found = cache.get_many([VERSION_KEY, key, *dependencies])
    stored = found.get(key)
    version = found.get(VERSION_KEY) or catalogue_version()
    if stored is None:
        return None, version, False
    versions = stored["versions"]
    if versions.keys() == set(dependencies):
        current = all(found.get(name) == seen for name, seen in versions.items())
    else:
        current = versions_current(versions)
        if len(_dependencies_read) >= DEPENDENCIES_KEPT:
            _dependencies_read.clear()
        _dependencies_read[key] = tuple(versions)
    return stored, version, current


def refresh_claimed(key: str) -> bool:
    """Tell whether this request is the one to compute a stale or missing value.

    Only the first request to ask is: the others serve what is stored
    meanwhile, or, when nothing is yet, wait for its result
    (`first_computation_awaited`) rather than all computing it at once (a cold
    cache under load would send every request to the search engine together).
    """
    return cache.add(f"{key}:refreshing", 1, REFRESH_LOCK_SECONDS)


def refresh_released(key: str) -> None:
    cache.delete(f"{key}:refreshing")


def first_computation_awaited(key: str):
    """Return what the request computing a value first stored under key, or
    None when it stored nothing (a value not to keep, an error) or took longer
    than FIRST_WAIT_SECONDS: the caller then computes it for itself."""
    deadline = time.monotonic() + FIRST_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(FIRST_WAIT_STEP_SECONDS)
        found = cache.get_many([key, f"{key}:refreshing"])
        if key in found:
            return found[key]
        if f"{key}:refreshing" not in found:
            return None
    return None


def catalogue_version_context(request):
    """Template context processor: `catalogue_version` for `{% cache %}` vary-on.

    It holds the request's pricing key too, so a fragment cached for one kind
    of buyer is never shown to another. Only for fragments that show no
    product (menus, footers): `{% catalogue_fragment %}` follows products.
    Lazy, so templates that do not use it cost no cache read.
    """

    def vary_on() -> str:
        pricing_key = sales_context_get(request=request).pricing_key
        return f"{catalogue_version()}-{timezone.localdate().isoformat()}-{pricing_key}"

    return {"catalogue_version": SimpleLazyObject(vary_on)}
