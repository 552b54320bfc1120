"""Two pilot stores with their staff, and products on their shelves."""

import pytest

from tests.factories import (
    CustomerFactory,
    OfficeStaffFactory,
    PilotStoreFactory,
    ProductFactory,
    StockRecordFactory,
    StoreManagerFactory,
    StoreStaffFactory,
)


@pytest.fixture
def store_a(db):
    return PilotStoreFactory(
        name="Boutique Casablanca", code="casablanca", city="Casablanca"
    )


@pytest.fixture
def store_b(db):
    return PilotStoreFactory(
        name="Boutique Marrakech", code="marrakech", city="Marrakech"
    )


@pytest.fixture
def staff_a(store_a):
    return StoreStaffFactory(store=store_a, first_name="Youssef")


@pytest.fixture
def staff_b(store_b):
    return StoreStaffFactory(store=store_b, first_name="Khadija")


@pytest.fixture
def manager_a(store_a):
    return StoreManagerFactory(store=store_a, first_name="Nadia")


@pytest.fixture
def office(db):
    """Office staff with the office role (the whole dashboard, every store)."""
    from django.contrib.auth.models import Group

    from shop.roles import roles

    user = OfficeStaffFactory(permissions=["wagtailadmin.access_admin"])
    user.groups.add(Group.objects.get(name=roles.OFFICE_STAFF))
    return user


@pytest.fixture
def customer(db):
    return CustomerFactory()


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
