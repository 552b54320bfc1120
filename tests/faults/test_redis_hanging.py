"""Redis (the cache) hanging, not stopped: it takes connections and answers
nothing. Shoppers wait for it once, not on every cache call."""

import os
import signal
import time

import environ
import pytest
from django.test import Client
from django_redis.cache import RedisCache
from oscar.apps.order.models import Order
from redis.connection import SSLConnection

from shop import redis_pause
from shop.redis_pause import redis_cache_options
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import ProductFactory
from tests.faults.test_redis_down import redis_cache, visit  # noqa: F401 (fixture)
from tests.shop.checkout_journey import Shopper, page_text

pytestmark = pytest.mark.django_db

PAUSE = 3


@pytest.fixture
def hung(redis_cache, settings):  # noqa: F811
    """The private Redis frozen (SIGSTOP) while the test runs its block."""
    settings.REDIS_PAUSE_SECONDS = PAUSE

    class Hung:
        def __enter__(self):
            os.kill(redis_cache.process.pid, signal.SIGSTOP)

        def __exit__(self, *exc):
            os.kill(redis_cache.process.pid, signal.SIGCONT)

    return Hung()


def test_shoppers_browse_and_order_while_redis_hangs(hung):
    """A product page, a search and a whole cash-on-delivery checkout answer
    within seconds (without the pause: 38 s for the page, 34 s for the
    checkout, past gunicorn's timeout); once Redis answers again and the pause
    is over, the shop reads it again: the copy kept before is served. (What
    changed meanwhile could not be announced to it: such a copy may lag until
    it expires, PAGE_CACHE_SECONDS.)"""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    argan = ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=5)
    page = argan.get_absolute_url()
    assert visit(page) == (200, "miss")

    with hung:
        started = time.monotonic()
        assert visit(page)[0] == 200
        assert Client().get("/en/shop/search/?q=argane").status_code == 200
        response = Shopper(Client()).buy_cash_on_delivery([(argan, 1)])
        spent = time.monotonic() - started
    assert "thank-you" in response.redirect_chain[-1][0]
    assert Order.objects.get().number in page_text(response)
    assert spent < 20, f"{spent:.0f}s: every cache call waited for Redis"

    time.sleep(PAUSE)
    assert visit(page) == (200, "hit")
    dates = ProductFactory(title="Dattes Mejhoul", stockrecords__num_in_stock=5)
    assert visit(dates.get_absolute_url()) == (200, "miss")
    assert visit(dates.get_absolute_url()) == (200, "hit")
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "tls"),
    [
        ("redis://127.0.0.1:6379/1", False),
        ("rediss://:secret@cache.example.ma:6380/0", True),
    ],
)
def test_a_redis_over_tls_is_reached_over_tls_and_left_alone_after_a_timeout(url, tls):
    """CACHE_URL=rediss://… (a managed Redis) connects over TLS, pausing too:
    the pausing connection replaced redis-py's TLS one with plain TCP."""
    config = environ.Env.cache_url_config(url)
    backend = RedisCache(
        config["LOCATION"],
        {"OPTIONS": redis_cache_options({}, location=config["LOCATION"])},
    )

    connection_class = backend.client.get_client().connection_pool.connection_class

    assert issubclass(connection_class, SSLConnection) is tls
    assert connection_class in redis_pause.PAUSING_CLASSES.values()
