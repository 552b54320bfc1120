"""Product view and basket-addition counters: buffered in memory, written in batches.

Counts live in the worker's memory for at most ANALYTICS_FLUSH_SECONDS (a crash
loses at most that many seconds of counts: they are advisory statistics, not
orders). Each worker flushes its own buffer, so any number of processes is safe.
"""

import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from oscar.core.loading import get_model

from shop.db import amount_per_row

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_flushing = threading.Lock()
# (ProductRecord field, product id) and (UserRecord field, user id) -> count
_product_counts: Counter = Counter()
_user_counts: Counter = Counter()
_user_views: list[tuple[int, int]] = []
_last_flush = time.monotonic()


def product_view_record(*, product_id: int, user_id: int | None) -> None:
    """Count one view of a product (and remember who saw it, if signed in)."""
    with _lock:
        _product_counts["num_views", product_id] += 1
        if user_id is not None:
            _user_counts["num_product_views", user_id] += 1
            _user_views.append((product_id, user_id))


def product_basket_addition_record(*, product_id: int, user_id: int | None) -> None:
    """Count one addition of a product to a basket."""
    with _lock:
        _product_counts["num_basket_additions", product_id] += 1
        if user_id is not None:
            _user_counts["num_basket_additions", user_id] += 1


def product_counters_flush_if_due() -> None:
    interval = getattr(settings, "ANALYTICS_FLUSH_SECONDS", 5)
    if time.monotonic() - _last_flush >= interval:
        product_counters_flush()


def product_counters_flush() -> int:
    """Write the buffered counts in one transaction; return how many were written."""
    global _last_flush
    # Another thread of this worker is already writing: it will take ours next time.
    if not _flushing.acquire(blocking=False):
        return 0
    try:
        with _lock:
            buffered = Counter(_product_counts), Counter(_user_counts), _user_views[:]
            _product_counts.clear()
            _user_counts.clear()
            _user_views.clear()
            _last_flush = time.monotonic()
        if not buffered[0]:
            return 0
        try:
            return _write(*buffered)
        except DatabaseError:
            logger.exception("Could not write %d product events", buffered[0].total())
            with _lock:
                _product_counts.update(buffered[0])
                _user_counts.update(buffered[1])
                _user_views.extend(buffered[2])
            return 0
    finally:
        _flushing.release()


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
