"""PostgreSQL drops the shop's connection in the middle of a checkout, as a
failover or a restart does: the next step reconnects by itself, an order cut
off while it was being placed is not placed, the shopper is told to try again,
and trying again places it once. Served by gunicorn, as in production."""

import os
import threading
import time
import urllib.parse

import psycopg
import pytest
import requests
from django.db import connection
from oscar.apps.order.models import Order

from search import local_engine
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.bench.bench_storefront import Gunicorn
from tests.factories import ProductFactory
from tests.shop.checkout_journey import MOROCCAN_ADDRESS, url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPLICATION = "terroir-faults"
TRY_AGAIN = "Please try again in a moment"


def database_url() -> str:
    db = connection.settings_dict
    query = urllib.parse.urlencode({"application_name": APPLICATION})
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}?{query}"


@pytest.fixture
def shop_server(settings, tmp_path):
    """Gunicorn with one worker thread: one connection, kept between requests."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    port = local_engine.free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.server_settings",
        "DATABASE_URL": database_url(),
        "ELASTICSEARCH_URL": settings.ELASTICSEARCH_URL,
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "1",
    }
    server = Gunicorn(env, port, log_path=tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


class Browser:
    """A shopper's cookies and CSRF token against the served shop."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path):
        return self.session.get(self.base_url + path, timeout=30)

    def post(self, path, data):
        token = self.session.cookies.get("csrftoken", "")
        return self.session.post(
            self.base_url + path,
            data={"csrfmiddlewaretoken": token, **data},
            allow_redirects=False,
            timeout=60,
        )


def shop_backends(*, waiting_on_a_lock: bool = False) -> list[int]:
    """The served shop's PostgreSQL backends (those waiting on a lock only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
            " AND (NOT %s OR wait_event_type = 'Lock')",
            [APPLICATION, waiting_on_a_lock],
        )
        return [pid for (pid,) in cursor.fetchall()]


def terminate(pids: list[int]) -> None:
    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_connection_dropped_between_and_during_checkout_steps(shop_server):
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    argan = ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=5)
    record = argan.stockrecords.get()
    shopper = Browser(shop_server.url)
    product_page = shopper.get(
        url("catalogue:detail", product_slug=argan.slug, pk=argan.pk)
    )
    assert product_page.status_code == 200
    added = shopper.post(url("basket:add", pk=argan.pk), {"quantity": 1})
    assert added.status_code == 302, added.text[:300]
    shopper.post(
        url("checkout:index"), {"username": "salma@example.ma", "options": "anonymous"}
    )

    # Between two steps: the next one reconnects (health check), no error.
    dropped = shop_backends()
    assert dropped
    terminate(dropped)
    answer = shopper.post(url("checkout:shipping-address"), MOROCCAN_ADDRESS)
    assert answer.status_code == 302
    assert not set(shop_backends()) & set(dropped)
    shopper.post(url("checkout:shipping-method"), {"method_code": "standard"})
    shopper.post(url("checkout:payment-method"), {"method": "cash_on_delivery"})

    # During "Place order": the stock row is held, so placing waits on it; its
    # connection is dropped while it waits.
    lock = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
    lock.execute(
        "SELECT 1 FROM partner_stockrecord WHERE id = %s FOR UPDATE", [record.pk]
    )
    answers = []
    placing = threading.Thread(
        target=lambda: answers.append(
            shopper.post(url("checkout:preview"), {"action": "place_order"})
        )
    )
    placing.start()
    deadline = time.monotonic() + 30
    while not (waiting := shop_backends(waiting_on_a_lock=True)):
        assert time.monotonic() < deadline, "placing the order never waited on stock"
        time.sleep(0.05)
    terminate(waiting)
    lock.rollback()
    lock.close()
    placing.join(timeout=60)

    cut_off = answers[0]
    assert cut_off.status_code == 503
    assert TRY_AGAIN in cut_off.text
    assert Order.objects.count() == 0
    record.refresh_from_db()
    assert record.num_allocated in (0, None)

    # Trying again places the order once; a second click shows the same one.
    placed = shopper.post(url("checkout:preview"), {"action": "place_order"})
    assert placed.status_code == 302
    assert "thank-you" in placed.headers["Location"]
    assert shopper.get(placed.headers["Location"]).status_code == 200
    assert Order.objects.count() == 1
    record.refresh_from_db()
    assert record.num_allocated == 1
