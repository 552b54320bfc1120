import pytest

from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import ProductFactory
from tests.shop.checkout_journey import Shopper


@pytest.fixture
def argan_oil(db):
    """A shelf-stable product in a warehouse, 120 MAD."""
    return ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=50)


@pytest.fixture
def shopper(client, db):
    """A shopper on the test client; countries and cold-chain cities come from
    a data migration a transactional test elsewhere may have flushed."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    return Shopper(client)
