"""Who may act for which store's counter."""

import pytest
from django.core.exceptions import PermissionDenied

from shop.instore.access import counter_store_get, counter_stores_get
from tests.factories import PilotStoreFactory, StoreStaffFactory

pytestmark = pytest.mark.django_db


def test_store_staff_act_for_their_stores_only(store_a, store_b, staff_a):
    """Store staff see their own store's counter and are refused another's."""
    assert counter_stores_get(user=staff_a) == [store_a]
    assert counter_store_get(user=staff_a, code=store_a.code) == store_a
    with pytest.raises(PermissionDenied):
        counter_store_get(user=staff_a, code=store_b.code)


def test_a_member_of_several_stores_picks_one(store_a, store_b):
    """Someone linked to two stores may act for both."""
    relief = StoreStaffFactory(store=[store_a, store_b])
    assert set(counter_stores_get(user=relief)) == {store_a, store_b}


def test_office_staff_act_for_every_store(store_a, store_b, office):
    """Office staff may act for any pilot store, without being linked to it."""
    rabat = PilotStoreFactory(name="Boutique Rabat")
    assert set(counter_stores_get(user=office)) == {store_a, store_b, rabat}
    assert counter_store_get(user=office, code=rabat.code) == rabat


def test_customers_have_no_counter(store_a, customer):
    """A customer linked to nothing has no counter, even if listed on a store."""
    store_a.users.add(customer)
    assert counter_stores_get(user=customer) == []
    with pytest.raises(PermissionDenied):
        counter_store_get(user=customer, code=store_a.code)


def test_roles_hold_what_they_need(staff_a, manager_a, office):
    """Store staff sell; managers also take returns, give larger discounts and
    close the drawer; office staff can do all of it for any store."""
    for permission in (
        "instore.process_return",
        "instore.discount_beyond_cap",
        "instore.close_drawer",
    ):
        assert not staff_a.has_perm(permission)
        assert manager_a.has_perm(permission)
        assert office.has_perm(permission)
    assert staff_a.has_perm("instore.use_counter")
    assert not manager_a.has_perm("instore.act_for_any_store")
    assert office.has_perm("instore.act_for_any_store")
