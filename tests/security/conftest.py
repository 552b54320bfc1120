import pytest
from django.db import DataError, connection

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


def _refuse_nul_as_postgresql(execute, sql, params, many, context):
    """PostgreSQL refuses a NUL byte in text (psycopg's DataError, a 500 if
    nothing stops it before); SQLite stores it. Refused here too, so a run on
    SQLite finds what production would answer."""
    for row in params if many else [params]:
        values = row.values() if isinstance(row, dict) else row or ()
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return execute(sql, params, many, context)


@pytest.fixture
def nul_refused(db):
    if connection.vendor == "sqlite":
        with connection.execute_wrapper(_refuse_nul_as_postgresql):
            yield
    else:
        yield
