"""Stock writes: guarded allocation and what to tell a shopper when it is refused."""

from collections import Counter

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from oscar.core.loading import get_model

from shop.db import amount_per_row
from shop.partner.models import InsufficientStock, StockRecord
from shop.partner.signals import stock_allocated

StockAlert = get_model("partner", "StockAlert")


class _Shortage(Exception):
    """Rolls back a multi-record allocation that could not take every record."""


def stock_allocate_many(*, allocations: list[tuple[StockRecord, int]]) -> None:
    """Allocate stock for several order lines at once: all of it or nothing.

    One guarded UPDATE covers every record, so the cost does not grow with
    the number of lines and concurrent buyers cannot both take the last units.
    Raises InsufficientStock for the first record (by id) that is short; then
    no record is changed. Records of products that do not track stock are
    left alone, as with StockRecord.allocate.
    """
    wanted: Counter = Counter()
    records: dict[int, StockRecord] = {}
    for stockrecord, quantity in allocations:
        if quantity < 1:
            raise ValueError(
                f"Cannot allocate {quantity} units; allocate at least one."
            )
        if stockrecord.can_track_allocations:
            wanted[stockrecord.pk] += quantity
            records[stockrecord.pk] = stockrecord
    if not wanted:
        return
    extra = amount_per_row("pk", wanted)
    allocated = Coalesce(F("num_allocated"), 0)
    try:
        with transaction.atomic():
            updated = StockRecord.objects.filter(
                pk__in=wanted, num_in_stock__gte=allocated + extra
            ).update(num_allocated=allocated + extra)
            if updated != len(wanted):
                raise _Shortage
    except _Shortage:
        _levels_refresh(records)
        short = next(
            (pk for pk in sorted(wanted) if records[pk].net_stock_level < wanted[pk]),
            # Stock came back in between: still refuse, the shopper retries.
            min(wanted),
        )
        raise InsufficientStock(records[short], wanted[short]) from None
    _levels_refresh(records)
    stock_alerts_update(stockrecords=list(records.values()))
    stock_allocated.send(sender=StockRecord, stockrecords=list(records.values()))


def stock_consume_many(*, allocations: list[tuple[StockRecord, int]]) -> None:
    """Goods handed over: take allocated units out of stock, in one UPDATE.

    Both the allocation and the units in stock go down by the quantity (Oscar's
    consume_allocation, for a whole order at once).
    """
    wanted: Counter = Counter()
    records: dict[int, StockRecord] = {}
    for stockrecord, quantity in allocations:
        if stockrecord.can_track_allocations:
            wanted[stockrecord.pk] += quantity
            records[stockrecord.pk] = stockrecord
    if not wanted:
        return
    taken = amount_per_row("pk", wanted)
    StockRecord.objects.filter(pk__in=wanted).update(
        num_allocated=Coalesce(F("num_allocated"), 0) - taken,
        num_in_stock=Coalesce(F("num_in_stock"), 0) - taken,
    )
    _levels_refresh(records)
    stock_alerts_update(stockrecords=list(records.values()))
    stock_allocated.send(sender=StockRecord, stockrecords=list(records.values()))


def _levels_refresh(records: dict[int, StockRecord]) -> None:
    levels = StockRecord.objects.filter(pk__in=records).values_list(
        "pk", "num_in_stock", "num_allocated"
    )
    for pk, num_in_stock, num_allocated in levels:
        records[pk].num_in_stock = num_in_stock
        records[pk].num_allocated = num_allocated


def stock_alerts_update(*, stockrecords: list[StockRecord]) -> None:
    """Open or close low-stock alerts of these records, in a constant number of queries.

    The bulk counterpart of Oscar's per-record post_save receiver.
    """
    by_pk = {record.pk: record for record in stockrecords}
    open_alerts = dict(
        StockAlert.objects.filter(
            stockrecord_id__in=by_pk, status=StockAlert.OPEN
        ).values_list("stockrecord_id", "pk")
    )
    StockAlert.objects.bulk_create(
        StockAlert(stockrecord=record, threshold=record.low_stock_threshold)
        for pk, record in by_pk.items()
        if record.is_below_threshold and pk not in open_alerts
    )
    recovered = [
        alert_pk
        for pk, alert_pk in open_alerts.items()
        if not by_pk[pk].is_below_threshold
    ]
    if recovered:
        StockAlert.objects.filter(pk__in=recovered).update(
            status=StockAlert.CLOSED, date_closed=timezone.now()
        )


def stock_shortage_message(*, error: InsufficientStock) -> str:
    """Return the message a shopper sees when an allocation was refused."""
    stockrecord = error.stockrecord
    title = stockrecord.product.get_title()
    left = max(stockrecord.net_stock_level, 0)
    if not left:
        return _("Sorry, “%(title)s” has just sold out.") % {"title": title}
    return ngettext(
        "Sorry, only %(left)d “%(title)s” is left: lower the quantity.",
        "Sorry, only %(left)d “%(title)s” are left: lower the quantity.",
        left,
    ) % {"left": left, "title": title}
