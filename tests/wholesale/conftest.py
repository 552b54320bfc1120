"""Wholesale companies and their buyers."""

import pytest

from tests.factories import CompanyFactory, CustomerFactory, MembershipFactory


@pytest.fixture
def chain(db):
    """A Casablanca retail chain buying in MAD."""
    return CompanyFactory(name="Marjane Terroir", kind="retail_chain")


@pytest.fixture
def importer(db):
    """A French importer quoted in EUR."""
    return CompanyFactory(
        name="Saveurs de l'Atlas SARL",
        kind="importer",
        country_id="FR",
        ice="",
        vat_number="FR40123456789",
        city="Lyon",
        currency="EUR",
        language="fr",
    )


@pytest.fixture
def buyer(chain):
    """The chain's admin buyer (password "terroir-client")."""
    return MembershipFactory(company=chain, is_admin=True).user


@pytest.fixture
def colleague(chain):
    return MembershipFactory(company=chain, is_admin=False).user


@pytest.fixture
def importer_buyer(importer):
    return MembershipFactory(company=importer, is_admin=True).user


@pytest.fixture
def retail_customer(db):
    return CustomerFactory()
