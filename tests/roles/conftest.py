"""Two pilot stores and one user of each role."""

import pytest

from tests.factories import (
    CustomerFactory,
    OfficeStaffFactory,
    StoreManagerFactory,
    StoreStaffFactory,
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
