"""Product counters written out of the request (shop/analytics)."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from oscar.apps.analytics.models import ProductRecord, UserProductView, UserRecord
from oscar.test.factories import UserFactory

from shop.analytics.services import product_counters_flush, product_view_record
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def empty_buffer(settings):
    """Start from an empty buffer that only the test flushes."""
    settings.ANALYTICS_FLUSH_SECONDS = 3600
    product_counters_flush()
    with translation.override("en"):
        yield


@pytest.fixture
def amlou():
    return ProductFactory(title="Amlou aux amandes 250 g")


def test_viewing_a_product_page_writes_nothing_during_the_request(client, amlou):
    """A product page is a pure read: no counter is written while it is served."""
    # The first view may store generated thumbnails (a one-off write, not a counter).
    client.get(amlou.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(amlou.get_absolute_url())

    assert "Amlou aux amandes 250 g" in response.content.decode()
    writes = [q["sql"] for q in queries if q["sql"].lstrip().startswith(WRITES)]
    assert writes == []
    assert not ProductRecord.objects.filter(product=amlou).exists()
    assert product_counters_flush() == 2


def test_views_are_counted_once_flushed(client, amlou):
    """Three views of a product add three to its view counter."""
    for _ in range(3):
        client.get(amlou.get_absolute_url())

    assert product_counters_flush() == 3
    assert ProductRecord.objects.get(product=amlou).num_views == 3

    client.get(amlou.get_absolute_url())
    product_counters_flush()
    assert ProductRecord.objects.get(product=amlou).num_views == 4


def test_a_signed_in_customer_view_is_remembered(client, amlou):
    """Signed-in views feed the customer's history and counters, as in Oscar."""
    customer = UserFactory()
    client.force_login(customer)

    client.get(amlou.get_absolute_url())
    product_counters_flush()

    assert UserProductView.objects.filter(user=customer, product=amlou).count() == 1
    assert UserRecord.objects.get(user=customer).num_product_views == 1


def test_basket_additions_are_counted_out_of_the_request(client, amlou):
    """Adding to the basket writes no counter during the request; the flush does."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("basket:add", kwargs={"pk": amlou.pk}), {"quantity": 1}
        )

    assert response.status_code == 302
    counters = [q["sql"] for q in queries if "analytics_" in q["sql"]]
    assert counters == []
    assert product_counters_flush() == 1
    assert ProductRecord.objects.get(product=amlou).num_basket_additions == 1


def test_views_are_written_after_the_response_when_due(client, amlou, settings):
    """With the flush interval elapsed, the view is written once the page is sent."""
    settings.ANALYTICS_FLUSH_SECONDS = 0

    client.get(amlou.get_absolute_url())

    assert ProductRecord.objects.get(product=amlou).num_views == 1


def test_views_of_a_product_deleted_meanwhile_are_dropped(amlou):
    """Deleting a viewed product before the flush loses its views, nothing else."""
    other = ProductFactory()
    product_view_record(product_id=amlou.pk, user_id=None)
    product_view_record(product_id=other.pk, user_id=None)
    amlou.delete()

    assert product_counters_flush() == 1
    assert ProductRecord.objects.get(product=other).num_views == 1
    assert not ProductRecord.objects.filter(product_id=amlou.pk).exists()


def test_concurrent_views_are_all_counted(amlou):
    """Views recorded from many threads at once are neither lost nor doubled."""

    def view_many():
        for _ in range(250):
            product_view_record(product_id=amlou.pk, user_id=None)

    threads = [threading.Thread(target=view_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    product_counters_flush()
    assert ProductRecord.objects.get(product=amlou).num_views == 2000


def test_counts_survive_a_worker_restart(amlou):
    """Counts live in the shared cache: a new process (fresh module) flushes them."""
    import importlib

    from shop.analytics import services

    for _ in range(3):
        services.product_view_record(product_id=amlou.pk, user_id=None)
    restarted = importlib.reload(services)

    assert restarted.product_counters_flush() == 3
    assert ProductRecord.objects.get(product=amlou).num_views == 3


@pytest.mark.django_db(transaction=True)
def test_racing_flushes_write_each_count_once(amlou):
    """Flushes from many workers at once, while views go on, never count twice."""

    def view_and_flush():
        for _ in range(50):
            product_view_record(product_id=amlou.pk, user_id=None)
            product_counters_flush()
        connection.close()

    threads = [threading.Thread(target=view_and_flush) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    product_counters_flush()

    assert ProductRecord.objects.get(product=amlou).num_views == 300


def test_a_flush_waits_while_another_process_holds_the_lock(amlou):
    """While another worker flushes, nothing is written twice; the counts wait."""
    from django.core.cache import cache

    from shop.analytics.services import LOCK_KEY

    product_view_record(product_id=amlou.pk, user_id=None)
    cache.add(LOCK_KEY, "another worker", 60)

    assert product_counters_flush() == 0
    cache.delete(LOCK_KEY)
    assert product_counters_flush() == 1
    assert ProductRecord.objects.get(product=amlou).num_views == 1


def test_the_periodic_flush_writes_closed_windows_only(amlou, settings):
    """The flush after a response writes counts of windows that have closed."""
    import time

    from shop.analytics import services

    settings.ANALYTICS_FLUSH_SECONDS = 1
    product_view_record(product_id=amlou.pk, user_id=None)
    services.product_counters_flush(current=False)
    # Still in its window (or its grace second): not written yet.
    assert not ProductRecord.objects.filter(product=amlou).exists()

    time.sleep(2.1)
    services._last_attempt = 0.0
    services.product_counters_flush_if_due()

    assert ProductRecord.objects.get(product=amlou).num_views == 1


def test_a_repeated_view_costs_one_cache_operation(amlou, monkeypatch):
    """Counting a view is one atomic increment once the product is counted."""
    from django.core.cache import cache

    product_view_record(product_id=amlou.pk, user_id=None)
    calls = []
    for name in ("get", "set", "add", "incr", "get_many", "delete"):
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache,
            name,
            lambda *args, _real=real, _name=name, **kwargs: (
                calls.append(_name) or _real(*args, **kwargs)
            ),
        )

    product_view_record(product_id=amlou.pk, user_id=None)

    assert calls == ["incr"]
