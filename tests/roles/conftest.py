"""Two pilot stores and one user of each role."""

import pytest

from tests.factories import (
    CustomerFactory,
    OfficeStaffFactory,
    PilotStoreFactory,
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
def people(store_a, store_b):
    """One user per role, by name (None: an anonymous visitor)."""
    return {
        "anonymous": None,
        "customer": CustomerFactory(),
        "staff_a": StoreStaffFactory(store=store_a),
        "staff_b": StoreStaffFactory(store=store_b),
        "manager_a": StoreManagerFactory(store=store_a),
        "office": OfficeStaffFactory(),
    }
