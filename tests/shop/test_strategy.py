from decimal import Decimal

import pytest
from oscar.core.loading import get_class

from catalog.models import Product
from shop.partner.models import Partner
from tests.factories import (
    PilotStoreFactory,
    ProductFactory,
    StockRecordFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db

Selector = get_class("partner.strategy", "Selector")


def purchase_info(product):
    return Selector().strategy().fetch_for_product(product)


def bare_product(**fields):
    return ProductFactory(stockrecords=None, **fields)


def test_online_shoppers_buy_from_the_warehouse_with_most_free_stock():
    """Of two warehouses, the one with more free units fulfils the order."""
    product = bare_product()
    StockRecordFactory(product=product, partner=WarehouseFactory(), num_in_stock=3)
    fuller = StockRecordFactory(
        product=product, partner=WarehouseFactory(), num_in_stock=40, num_allocated=10
    )

    assert purchase_info(product).stockrecord == fuller


def test_pilot_store_shelves_are_never_sold_online():
    """A product stocked only in a pilot store is unavailable online."""
    product = bare_product()
    StockRecordFactory(product=product, partner=PilotStoreFactory(), num_in_stock=50)

    info = purchase_info(product)

    assert info.stockrecord is None
    assert not info.availability.is_available_to_buy


def test_pilot_store_stock_does_not_outbid_a_smaller_warehouse():
    """Even with more units in a store, the online offer comes from a warehouse."""
    product = bare_product()
    warehouse = StockRecordFactory(product=product, num_in_stock=2)
    StockRecordFactory(product=product, partner=PilotStoreFactory(), num_in_stock=90)

    assert purchase_info(product).stockrecord == warehouse


def test_cold_chain_products_ship_only_from_cold_storage():
    """Fresh cheese is sold from the refrigerated warehouse, never a dry one."""
    cheese = bare_product(cold_chain=True)
    StockRecordFactory(product=cheese, num_in_stock=100)
    cold = StockRecordFactory(
        product=cheese,
        partner=WarehouseFactory(kind=Partner.Kind.COLD_WAREHOUSE),
        num_in_stock=4,
    )

    assert purchase_info(cheese).stockrecord == cold


def test_cold_chain_product_without_cold_stock_is_unavailable():
    """Without a refrigerated warehouse holding it, fresh produce cannot be bought."""
    cheese = bare_product(cold_chain=True)
    StockRecordFactory(product=cheese, num_in_stock=100)

    assert not purchase_info(cheese).availability.is_available_to_buy


def test_prices_are_the_stored_dirham_prices_tax_included():
    """The shopper pays exactly the shelf price in MAD: no VAT added on top."""
    product = bare_product()
    StockRecordFactory(product=product, price=Decimal("149.00"), num_in_stock=5)

    price = purchase_info(product).price

    assert price.currency == "MAD"
    assert price.incl_tax == Decimal("149.00")
    assert price.is_tax_known


def test_selecting_stock_for_many_products_costs_one_partner_query(
    django_assert_num_queries,
):
    """Prefetched stock records plus one partner lookup serve a whole listing."""
    for _ in range(5):
        ProductFactory()
    strategy = Selector().strategy()
    products = list(
        Product.objects.select_related("product_class").prefetch_related("stockrecords")
    )

    with django_assert_num_queries(1):
        for product in products:
            strategy.fetch_for_product(product)
