import threading

import pytest
from django.db import connection
from django.utils import translation
from oscar.apps.partner.models import StockAlert

from shop.partner.models import InsufficientStock, StockRecord
from shop.partner.services import stock_allocate_many, stock_shortage_message
from tests.factories import ProductFactory, StockRecordFactory

BUYERS = 20
UNITS = 5


def stock(**fields):
    return StockRecordFactory(product=ProductFactory(stockrecords=None), **fields)


@pytest.mark.django_db
def test_allocation_beyond_free_stock_is_refused_and_changes_nothing():
    """Asking for more than is free raises InsufficientStock and allocates nothing."""
    stockrecord = stock(num_in_stock=3, num_allocated=1)

    with pytest.raises(InsufficientStock):
        stock_allocate_many(allocations=[(stockrecord, 3)])

    stockrecord.refresh_from_db()
    assert stockrecord.num_allocated == 1
    stock_allocate_many(allocations=[(stockrecord, 2)])
    stockrecord.refresh_from_db()
    assert (stockrecord.num_allocated, stockrecord.net_stock_level) == (3, 0)


@pytest.mark.django_db
@translation.override("en")
def test_shopper_is_told_how_many_units_are_left():
    """A refused allocation explains how many units remain, or that it sold out."""
    product = ProductFactory(title="Safran de Taliouine 1 g", stockrecords=None)
    stockrecord = StockRecordFactory(product=product, num_in_stock=2)

    with pytest.raises(InsufficientStock) as few_left:
        stock_allocate_many(allocations=[(stockrecord, 5)])
    assert stock_shortage_message(error=few_left.value) == (
        "Sorry, only 2 “Safran de Taliouine 1 g” are left: lower the quantity."
    )

    stock_allocate_many(allocations=[(stockrecord, 2)])
    with pytest.raises(InsufficientStock) as sold_out:
        stock_allocate_many(allocations=[(stockrecord, 1)])
    assert stock_shortage_message(error=sold_out.value) == (
        "Sorry, “Safran de Taliouine 1 g” has just sold out."
    )


@pytest.mark.django_db
def test_allocating_zero_or_fewer_units_is_a_programming_error():
    """Zero or negative quantities never reach the database."""
    stockrecord = stock(num_in_stock=3)

    with pytest.raises(ValueError, match="at least one"):
        stock_allocate_many(allocations=[(stockrecord, 0)])
    stockrecord.refresh_from_db()
    assert not stockrecord.num_allocated


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_buyers_racing_for_five_units_get_exactly_five():
    """Under real concurrency, checkout's allocation never oversells: of twenty
    baskets holding the scarce saffron and some honey, five get both and the
    refused fifteen take no honey either."""
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://…"
    saffron = stock(num_in_stock=UNITS, num_allocated=0)
    honey = stock(num_in_stock=BUYERS * 2, num_allocated=0)
    start = threading.Barrier(BUYERS)
    outcomes = []
    lock = threading.Lock()

    def buy():
        from django.db import connection as thread_connection

        try:
            # Each buyer loads its own copies, as separate requests would.
            mine = StockRecord.objects.in_bulk([saffron.pk, honey.pk])
            start.wait()
            try:
                stock_allocate_many(
                    allocations=[(mine[honey.pk], 2), (mine[saffron.pk], 1)]
                )
                outcome = "allocated"
            except InsufficientStock:
                outcome = "refused"
        finally:
            thread_connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=buy) for _ in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    saffron.refresh_from_db()
    honey.refresh_from_db()
    assert outcomes.count("allocated") == UNITS
    assert outcomes.count("refused") == BUYERS - UNITS
    assert (saffron.num_allocated, saffron.net_stock_level) == (UNITS, 0)
    assert honey.num_allocated == UNITS * 2


@pytest.mark.django_db
def test_a_basket_is_allocated_whole_or_not_at_all():
    """Several records in one go: one short record refuses the lot and is named."""
    honey, dates, oil = stock(num_in_stock=5), stock(num_in_stock=2), stock()

    with pytest.raises(InsufficientStock) as refused:
        stock_allocate_many(allocations=[(honey, 1), (dates, 2), (dates, 1), (oil, 4)])

    assert refused.value.stockrecord == dates
    assert refused.value.stockrecord.net_stock_level == 2
    levels = {r.pk: r.num_allocated or 0 for r in StockRecord.objects.all()}
    assert levels == {honey.pk: 0, dates.pk: 0, oil.pk: 0}

    stock_allocate_many(allocations=[(honey, 1), (dates, 1), (dates, 1), (oil, 4)])

    levels = dict(StockRecord.objects.values_list("pk", "num_allocated"))
    assert levels == {honey.pk: 1, dates.pk: 2, oil.pk: 4}
    assert (dates.num_allocated, dates.net_stock_level) == (2, 0)


@pytest.mark.django_db
def test_allocation_opens_a_low_stock_alert_once():
    """Falling below the threshold opens one alert for staff, not one per order."""
    argan = stock(num_in_stock=10, low_stock_threshold=5)

    stock_allocate_many(allocations=[(argan, 4)])
    assert not StockAlert.objects.exists()
    stock_allocate_many(allocations=[(argan, 2)])
    stock_allocate_many(allocations=[(argan, 1)])

    alert = StockAlert.objects.get()
    assert (alert.stockrecord, alert.status, alert.threshold) == (argan, "Open", 5)
