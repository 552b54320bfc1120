"""Redis (the cache) hanging, not stopped: it takes connections and answers
nothing. Shoppers wait for it once, not on every cache call."""

import os
import re
import signal
import time

import environ
import pytest
from django.core.cache import cache
from django.test import Client
from django_redis.cache import RedisCache
from oscar.apps.order.models import Order
from redis.connection import SSLConnection

from shop import cache as shop_cache
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


def test_shoppers_browse_and_order_while_redis_hangs(hung, committed):
    """A product page, a search and a whole cash-on-delivery checkout answer
    within seconds (without the pause: 38 s for the page, 34 s for the
    checkout, past gunicorn's timeout); once Redis answers again and the pause
    is over, the shop reads it again, and the sale it could not announce
    meanwhile shows: the page kept before it is not served."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    argan = ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=5)
    page = argan.get_absolute_url()
    assert visit(page) == (200, "miss")
    assert visit(page) == (200, "hit")

    with hung:
        started = time.monotonic()
        assert visit(page)[0] == 200
        assert Client().get("/en/shop/search/?q=argane").status_code == 200
        response = None

        def buy():
            nonlocal response
            response = Shopper(Client()).buy_cash_on_delivery([(argan, 1)])

        committed(buy)
        spent = time.monotonic() - started
    assert "thank-you" in response.redirect_chain[-1][0]
    assert Order.objects.get().number in page_text(response)
    assert spent < 20, f"{spent:.0f}s: every cache call waited for Redis"

    time.sleep(PAUSE)
    after = Client().get(page)
    assert after["X-Page-Cache"] != "hit"
    assert re.search(r"\(4 (available|disponibles)\)", page_text(after))
    time.sleep(shop_cache.RACE_MARGIN_NS / 1e9)
    assert visit(page) == (200, "miss")
    assert visit(page) == (200, "hit")
    dates = ProductFactory(title="Dattes Mejhoul", stockrecords__num_in_stock=5)
    assert visit(dates.get_absolute_url()) == (200, "miss")
    assert visit(dates.get_absolute_url()) == (200, "hit")
    assert Order.objects.count() == 1


def test_a_bump_made_while_redis_is_not_asked_is_made_once_it_is(redis_cache):  # noqa: F811
    """A price change saved while this process leaves Redis alone reaches it
    with the next request after the pause, and with one write per change,
    however often it was saved."""
    argan = ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=5)
    page = argan.get_absolute_url()
    assert visit(page) == (200, "miss")
    key = shop_cache.PRODUCT_VERSION_KEY.format(argan.pk)
    before = cache.get(key)

    redis_pause.paused.start(60)
    for _ in range(3):
        shop_cache.product_versions_bump(product_ids=[argan.pk])
    redis_pause.paused.until = 0.0
    assert cache.get(key) == before
    assert len(shop_cache._owed) == 1

    assert visit(page)[0] == 200
    assert cache.get(key) != before
    assert shop_cache._owed == {}
    time.sleep(shop_cache.RACE_MARGIN_NS / 1e9)
    assert visit(page) == (200, "miss")
    assert visit(page) == (200, "hit")


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
