"""Product view counters: buffered in memory, written in batches.

Counts live in the worker's memory for at most ANALYTICS_FLUSH_SECONDS (a crash
loses at most that many seconds of views: they are advisory statistics, not
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

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_flushing = threading.Lock()
_views: Counter = Counter()
_user_views: list[tuple[int, int]] = []
_last_flush = time.monotonic()


def product_view_record(*, product_id: int, user_id: int | None) -> None:
    """Count one view of a product (and remember who saw it, if signed in)."""
    with _lock:
        _views[product_id] += 1
        if user_id is not None:
            _user_views.append((product_id, user_id))


def product_views_flush_if_due() -> None:
    interval = getattr(settings, "ANALYTICS_FLUSH_SECONDS", 5)
    if time.monotonic() - _last_flush >= interval:
        product_views_flush()


def product_views_flush() -> int:
    """Write the buffered views in one transaction; return how many were written."""
    global _last_flush
    # Another thread of this worker is already writing: it will take ours next time.
    if not _flushing.acquire(blocking=False):
        return 0
    try:
        with _lock:
            views, user_views = Counter(_views), list(_user_views)
            _views.clear()
            _user_views.clear()
            _last_flush = time.monotonic()
        if not views:
            return 0
        try:
            return _write(views, user_views)
        except DatabaseError:
            logger.exception("Could not write %d product views", views.total())
            with _lock:
                _views.update(views)
                _user_views.extend(user_views)
            return 0
    finally:
        _flushing.release()


def _write(views: Counter, user_views: list[tuple[int, int]]) -> int:
    product_model = get_model("catalogue", "Product")
    record_model = get_model("analytics", "ProductRecord")
    user_record_model = get_model("analytics", "UserRecord")
    user_view_model = get_model("analytics", "UserProductView")
    # Products deleted since they were viewed are dropped.
    existing = set(
        product_model.objects.filter(pk__in=list(views)).values_list("pk", flat=True)
    )
    # So are views of users deleted meanwhile.
    users = set(
        get_user_model()
        .objects.filter(pk__in={user_id for _, user_id in user_views})
        .values_list("pk", flat=True)
    )
    user_views = [
        (product_id, user_id)
        for product_id, user_id in user_views
        if product_id in existing and user_id in users
    ]
    per_user = Counter(user_id for _, user_id in user_views)
    with transaction.atomic():
        # Sorted, so concurrent flushes take row locks in the same order.
        for product_id in sorted(existing):
            _add(record_model, "num_views", views[product_id], product_id=product_id)
        for user_id in sorted(per_user):
            _add(
                user_record_model,
                "num_product_views",
                per_user[user_id],
                user_id=user_id,
            )
        user_view_model.objects.bulk_create(
            user_view_model(product_id=product_id, user_id=user_id)
            for product_id, user_id in user_views
        )
    return sum(views[product_id] for product_id in existing)


def _add(model, field: str, amount: int, **lookup) -> None:
    """Add to a counter row with an atomic UPDATE, creating the row the first time."""
    rows = model.objects.filter(**lookup)
    if rows.update(**{field: F(field) + amount}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**lookup, **{field: amount})
    except IntegrityError:
        # Another process created the row in between.
        rows.update(**{field: F(field) + amount})
