"""Products on store A's shelf (the stores and their staff: tests/conftest.py)."""

import pytest

from tests.factories import (
    ProductFactory,
    StockRecordFactory,
)


@pytest.fixture
def argan_oil(store_a):
    """120 MAD; 50 in a warehouse, 5 on store A's shelf (barcode 6111245590013)."""
    product = ProductFactory(
        title="Huile d'argane cosmétique 100 ml",
        upc="6111245590013",
        stockrecords__num_in_stock=50,
        stockrecords__partner_sku="ARG-100",
    )
    StockRecordFactory(
        product=product, partner=store_a, num_in_stock=5, partner_sku="ARG-100-CAS"
    )
    return product


@pytest.fixture
def saffron(store_a):
    """Saffron, 95 MAD; 10 on store A's shelf, 30 in a warehouse."""
    product = ProductFactory(
        title="Safran de Taliouine 1 g",
        upc="6111245590020",
        stockrecords__num_in_stock=30,
        stockrecords__price="95.00",
        stockrecords__partner_sku="SAF-1",
    )
    StockRecordFactory(
        product=product,
        partner=store_a,
        num_in_stock=10,
        price="95.00",
        partner_sku="SAF-1-CAS",
    )
    return product
