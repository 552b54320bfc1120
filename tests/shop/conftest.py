import pytest

from shop.partner.models import Partner
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import (
    PilotStoreFactory,
    ProductFactory,
    StockRecordFactory,
    WarehouseFactory,
)
from tests.shop.checkout_journey import Shopper


@pytest.fixture
def shipping_reference_data(db):
    """Countries and cold-chain cities come from a data migration, but a
    transactional test elsewhere in the session may have flushed them."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()


@pytest.fixture
def shopper(client, shipping_reference_data):
    return Shopper(client)


@pytest.fixture
def argan_oil(db):
    """A shelf-stable product in a warehouse, 120 MAD."""
    return ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=50)


@pytest.fixture
def goat_cheese(db):
    """A cold-chain product stocked in a cold warehouse."""
    return ProductFactory(
        title="Fromage de chèvre de Chefchaouen",
        cold_chain=True,
        stockrecords__partner=WarehouseFactory(kind=Partner.Kind.COLD_WAREHOUSE),
        stockrecords__price="65.00",
    )


@pytest.fixture
def casablanca_store(db, argan_oil):
    """A pilot store holding the argan oil on its shelves."""
    store = PilotStoreFactory(name="Boutique Casablanca", city="Casablanca")
    StockRecordFactory(product=argan_oil, partner=store, num_in_stock=5)
    return store


@pytest.fixture
def mail_server_down(settings):
    """Emails go over SMTP to a local port nobody listens on."""
    from search.local_engine import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 2
