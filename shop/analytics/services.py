"""Product view and basket-addition counters: counted in the cache, written in batches.

Every view or addition is one atomic `cache.incr` (plus three operations the
first time a product is counted in a window) on the shared cache (Redis in
production, CACHE_URL), so counts survive a worker's restart and every process
adds to the same figures. Counts are kept per time window of
ANALYTICS_FLUSH_SECONDS; once a window has closed, whichever process finishes a
request first takes the flush lock and writes it to the database in one
transaction, after the response has been sent (request_finished).

Guarantee: each count is written at most once. A flush takes the counts out of
the cache before it writes them, so a crash between the two loses the counts of
that one flush (they are advisory statistics, not orders), and two processes
never write the same counts: the lock lets one flush at a time and a window,
once taken, is never read again. A failed database write puts its counts back.
With the local-memory cache (the default without CACHE_URL, and tests) the
cache is per process, as the buffer used to be: a worker's exit flushes it.
"""

import logging
import secrets
import time
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from oscar.core.loading import get_model

from shop.db import amount_per_row

logger = logging.getLogger(__name__)

VIEW, BASKET = "view", "basket"
# Windows older than this many are dropped unflushed (the cache lets them expire).
BACKLOG_WINDOWS = 12
# A request that picked a window just before it closed may still add to it.
CLOSE_GRACE_SECONDS = 1
LOCK_KEY = "analytics:flush-lock"
LOCK_SECONDS = 60
_last_attempt = 0.0


def _interval() -> int:
    return getattr(settings, "ANALYTICS_FLUSH_SECONDS", 5)


def _prefix(window: int) -> str:
    # The interval is part of the key: windows of another interval never mix.
    return f"analytics:{_interval()}:{window}"


def _window(now: float) -> int:
    return int(now // max(_interval(), 1))


def _ttl() -> int:
    return max(_interval(), 1) * (BACKLOG_WINDOWS + 2) + LOCK_SECONDS


def _incr(key: str, amount: int = 1) -> tuple[int, bool]:
    """Add to a cache counter atomically; tell whether this call created it."""
    try:
        return cache.incr(key, amount), False
    except ValueError:
        if cache.add(key, amount, _ttl()):
            return amount, True
        return cache.incr(key, amount), False


def _counter_key(prefix: str, kind: str, product_id: int, user_id: int | None) -> str:
    return f"{prefix}:c:{kind}:{product_id}:{user_id or 0}"


def _record(kind: str, product_id: int, user_id: int | None, amount: int = 1) -> None:
    prefix = _prefix(_window(time.time()))
    _count, created = _incr(_counter_key(prefix, kind, product_id, user_id), amount)
    if created:
        # The flush cannot list the cache's keys: register the new counter.
        slot, _ = _incr(f"{prefix}:n")
        cache.set(f"{prefix}:s:{slot}", (kind, product_id, user_id), _ttl())


def product_view_record(*, product_id: int, user_id: int | None) -> None:
    """Count one view of a product (and remember who saw it, if signed in)."""
    _record(VIEW, product_id, user_id)


def product_basket_addition_record(*, product_id: int, user_id: int | None) -> None:
    """Count one addition of a product to a basket."""
    _record(BASKET, product_id, user_id)


def product_counters_flush_if_due() -> None:
    """Flush the closed windows, at most once per interval from each process."""
    global _last_attempt
    interval = _interval()
    now = time.monotonic()
    if interval <= 0:
        product_counters_flush()
    elif now - _last_attempt >= interval:
        _last_attempt = now
        product_counters_flush(current=False)


def product_counters_flush(*, current: bool = True) -> int:
    """Write the counted views and additions; return how many product counts.

    `current=False` leaves the open window alone (the periodic flush); a
    worker's exit and the tests flush it too.
    """
    token = secrets.token_hex(8)
    # Another process is flushing: it takes what is due, the rest waits.
    if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
        return 0
    try:
        events = _take(current=current)
        if not events:
            return 0
        try:
            return _write(*_aggregate(events))
        except DatabaseError:
            logger.exception("Could not write %d product events", events.total())
            for (kind, product_id, user_id), amount in events.items():
                _record(kind, product_id, user_id, amount)
            return 0
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def _take(*, current: bool) -> Counter:
    """Read the counts due and remove them from the cache (before any write)."""
    now = time.time()
    open_window = _window(now)
    last_closed = _window(now - CLOSE_GRACE_SECONDS) - 1
    done_key = f"analytics:{_interval()}:done"
    done = cache.get(done_key)
    first = open_window - BACKLOG_WINDOWS
    if done is not None:
        first = max(first, done + 1)
    events: Counter = Counter()
    for window in range(first, (open_window if current else last_closed) + 1):
        prefix = _prefix(window)
        registered = cache.get(f"{prefix}:n") or 0
        if not registered:
            continue
        slot_keys = [f"{prefix}:s:{slot}" for slot in range(1, registered + 1)]
        slots = cache.get_many(slot_keys)
        counter_keys = {_counter_key(prefix, *event): event for event in slots.values()}
        counts = cache.get_many(counter_keys)
        if window <= last_closed:
            cache.delete_many([f"{prefix}:n", *slot_keys, *counter_keys])
        for key, amount in counts.items():
            if amount:
                events[counter_keys[key]] += amount
                if window > last_closed:
                    # Still open: keep what other requests add meanwhile.
                    cache.decr(key, amount)
    if last_closed >= first:
        cache.set(done_key, last_closed, _ttl())
    return events


def _aggregate(events: Counter) -> tuple[Counter, Counter, list[tuple[int, int]]]:
    product_counts: Counter = Counter()
    user_counts: Counter = Counter()
    user_views: list[tuple[int, int]] = []
    for (kind, product_id, user_id), amount in events.items():
        if kind == VIEW:
            product_counts["num_views", product_id] += amount
            if user_id is not None:
                user_counts["num_product_views", user_id] += amount
                user_views.extend([(product_id, user_id)] * amount)
        else:
            product_counts["num_basket_additions", product_id] += amount
            if user_id is not None:
                user_counts["num_basket_additions", user_id] += amount
    return product_counts, user_counts, user_views


def _write(
    product_counts: Counter, user_counts: Counter, user_views: list[tuple[int, int]]
) -> int:
    product_record = get_model("analytics", "ProductRecord")
    user_record = get_model("analytics", "UserRecord")
    user_view = get_model("analytics", "UserProductView")
    # Counts of products or users deleted since are dropped.
    products = set(
        get_model("catalogue", "Product")
        .objects.filter(pk__in={pk for _, pk in product_counts})
        .values_list("pk", flat=True)
    )
    users = set(
        get_user_model()
        .objects.filter(pk__in={pk for _, pk in user_counts})
        .values_list("pk", flat=True)
    )
    written = 0
    with transaction.atomic():
        # Sorted, so concurrent flushes take row locks in the same order.
        for (field, pk), count in sorted(product_counts.items()):
            if pk in products:
                _add(product_record, field, count, product_id=pk)
                written += count
        for (field, pk), count in sorted(user_counts.items()):
            if pk in users:
                _add(user_record, field, count, user_id=pk)
        user_view.objects.bulk_create(
            user_view(product_id=product_id, user_id=user_id)
            for product_id, user_id in user_views
            if product_id in products and user_id in users
        )
    return written


def order_counters_record(*, order, user) -> None:
    """Count an order's purchases per product and per customer, in a few queries.

    Purchases are written at once, not buffered: unlike views they are counted
    from orders, whose loss nobody would accept. Oscar's receiver runs two or
    three queries per line instead.
    """
    product_record = get_model("analytics", "ProductRecord")
    lines = list(order.lines.values_list("product_id", "quantity"))
    purchases: Counter = Counter()
    for product_id, quantity in lines:
        if product_id:
            purchases[product_id] += quantity
    if purchases:
        # Rows first (a concurrent order may create some), then one UPDATE.
        product_record.objects.bulk_create(
            (product_record(product_id=pk) for pk in purchases),
            ignore_conflicts=True,
        )
        product_record.objects.filter(product_id__in=purchases).update(
            num_purchases=F("num_purchases") + amount_per_row("product_id", purchases)
        )
    if user is None or not user.is_authenticated:
        return
    items = sum(quantity for _product_id, quantity in lines)
    _upsert(
        get_model("analytics", "UserRecord"),
        lookup={"user": user},
        changes={
            "num_orders": F("num_orders") + 1,
            "num_order_lines": F("num_order_lines") + len(lines),
            "num_order_items": F("num_order_items") + items,
            "total_spent": F("total_spent") + order.total_incl_tax,
            "date_last_order": order.date_placed,
        },
        initial={
            "num_orders": 1,
            "num_order_lines": len(lines),
            "num_order_items": items,
            "total_spent": order.total_incl_tax,
            "date_last_order": order.date_placed,
        },
    )


def _add(model, field: str, amount: int, **lookup) -> None:
    """Add to a counter row with an atomic UPDATE, creating the row the first time."""
    _upsert(
        model,
        lookup=lookup,
        changes={field: F(field) + amount},
        initial={field: amount},
    )


def _upsert(model, *, lookup: dict, changes: dict, initial: dict) -> None:
    """Apply `changes` to the row matching `lookup`, or create it with `initial`.

    The UPDATE is atomic, so concurrent writers never lose each other's counts.
    """
    rows = model.objects.filter(**lookup)
    if rows.update(**changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(**lookup, **initial)
    except IntegrityError:
        # Another process created the row in between.
        rows.update(**changes)
