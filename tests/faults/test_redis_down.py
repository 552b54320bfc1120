"""Redis (the cache) stopped while shoppers browse and order: pages render
without it, orders are placed once, and caching resumes when it is back."""

import environ
import pytest
from django.test import Client
from oscar.apps.order.models import Order

from shop.redis_pause import redis_cache_options
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import ProductFactory
from tests.shop.checkout_journey import Shopper, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(private_redis, settings):
    """The shop's cache on the private Redis as CACHE_URL=redis://… configures
    it (shop/settings.py), pages cached as in production."""
    config = environ.Env.cache_url_config(private_redis.url)
    assert config["BACKEND"] == "django_redis.cache.RedisCache"
    config["OPTIONS"] = redis_cache_options(
        config.get("OPTIONS", {}), location=config["LOCATION"]
    )
    settings.CACHES = {"default": {**config, "KEY_PREFIX": "faults"}}
    settings.PAGE_CACHE_SECONDS = 60
    return private_redis


def visit(path):
    """A visitor without cookies, as the page cache sees most shoppers."""
    response = Client().get(path)
    return response.status_code, response.headers.get("X-Page-Cache")


def test_shoppers_browse_and_order_while_redis_is_down(redis_cache):
    """Pages, search and a cash-on-delivery order work with Redis stopped; once
    it is back pages are cached again, without restarting anything."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    argan = ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=5)
    page = argan.get_absolute_url()
    assert visit(page) == (200, "miss")
    assert visit(page) == (200, "hit")

    redis_cache.stop()

    assert visit(page)[0] == 200
    assert Client().get("/en/shop/search/?q=argane").status_code == 200
    response = Shopper(Client()).buy_cash_on_delivery([(argan, 1)])
    assert "thank-you" in response.redirect_chain[-1][0]
    assert Order.objects.get().number in page_text(response)

    redis_cache.start()

    assert visit(page) == (200, "miss")
    assert visit(page) == (200, "hit")
    assert Order.objects.count() == 1
