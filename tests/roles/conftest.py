"""Two pilot stores, two wholesale companies and one user of each role."""

import pytest

from tests.factories import (
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    OfficeStaffFactory,
    StoreManagerFactory,
    StoreStaffFactory,
)


@pytest.fixture
def people(store_a, store_b, company_a, company_b):
    """One user per role, by name (None: an anonymous visitor)."""
    return {
        "anonymous": None,
        "customer": CustomerFactory(),
        "staff_a": StoreStaffFactory(store=store_a),
        "staff_b": StoreStaffFactory(store=store_b),
        "manager_a": StoreManagerFactory(store=store_a),
        "office": OfficeStaffFactory(),
        # Company A's admin and another of its buyers; a buyer of company B.
        "buyer": MembershipFactory(company=company_a, is_admin=True).user,
        "colleague": MembershipFactory(company=company_a).user,
        "other_buyer": MembershipFactory(company=company_b, is_admin=True).user,
    }


@pytest.fixture
def company_a(db):
    return CompanyFactory(name="Chaîne Atlas")


@pytest.fixture
def company_b(db):
    return CompanyFactory(name="Épicerie Rif")
