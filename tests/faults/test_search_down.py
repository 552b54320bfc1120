"""The search engine stopped while shoppers browse and order: listings fall back
to the database with a notice, orders go through, and search is whole again
when the engine is back, without restarting the shop."""

import time

import pytest
from django.test import Client
from oscar.apps.order.models import Order

from search import local_engine, services
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import ProductFactory
from tests.shop.checkout_journey import Shopper, page_text

pytestmark = pytest.mark.django_db

DEGRADED = "Search is running in a simplified mode right now"


class PrivateEngine:
    """A search engine of this test's own, stopped and started again on one port."""

    def __init__(self, data_dir):
        self.engine = local_engine.start(data_dir)
        self.url = self.engine.url

    def stop(self):
        self.engine.stop()

    def start(self):
        port = int(self.url.rsplit(":", 1)[1])
        self.engine = local_engine.start(self.engine.data_dir, port=port)


@pytest.fixture
def private_engine(tmp_path, settings):
    engine = PrivateEngine(tmp_path / "search")
    settings.ELASTICSEARCH_URL = engine.url
    try:
        yield engine
    finally:
        engine.stop()


def search(query):
    response = Client().get(f"/en/shop/search/?q={query}")
    assert response.status_code == 200
    return page_text(response)


def test_shoppers_search_and_order_while_the_engine_is_down(private_engine):
    """Stopped: search answers from the database and says so, suggestions and
    product pages answer, an order goes through; started again: search uses
    the engine at once."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    argan = ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=5)
    services.index_rebuild()
    card = f"/{argan.slug}_{argan.pk}/"
    page = search("argane")
    assert card in page
    assert DEGRADED not in page

    private_engine.stop()

    # Another query than above: answers already cached stay served meanwhile.
    page = search("huile")
    assert DEGRADED in page
    assert card in page  # found in the database
    suggestions = Client().get("/en/shop/search/autocomplete/?q=arg")
    assert suggestions.status_code == 200
    assert Client().get(argan.get_absolute_url()).status_code == 200
    shopper = Shopper(Client())
    shopper.up_to_payment([(argan, 1)], shipping="standard")
    shopper.pay_by("cash_on_delivery")
    response = shopper.place()
    assert "thank-you" in response.redirect_chain[-1][0]

    private_engine.start()

    page = search("argan")
    assert DEGRADED not in page
    assert card in page
    assert Order.objects.count() == 1


def test_a_hanging_engine_is_left_alone_for_a_while(settings, hanging_server):
    """An engine that stops answering costs one shopper the timeout, not every
    shopper: the next searches answer from the database without asking it,
    and once the pause is over it is asked again."""
    ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=5)
    settings.ELASTICSEARCH_URL = hanging_server.url
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    settings.ELASTICSEARCH_PAUSE_SECONDS = 5

    assert DEGRADED in search("argane")
    paused_at = time.monotonic()
    asked = len(hanging_server.held)
    assert asked >= 1
    for query in ("huile", "miel", "safran"):
        assert DEGRADED in search(query)
    assert time.monotonic() - paused_at < 5, "too slow to tell; the pause is over"
    assert len(hanging_server.held) == asked

    time.sleep(max(0.0, paused_at + 5.1 - time.monotonic()))
    assert DEGRADED in search("dattes")
    assert len(hanging_server.held) > asked
