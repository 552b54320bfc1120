"""Permissions kept between requests (shop/security/permission_cache.py):
cheaper staff pages, and a revoked permission is refused from the next request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def lookup(client, store):
    return client.get(
        reverse("instore:lookup", kwargs={"store": store.code}), {"q": "argan"}
    )


def test_a_counter_request_reads_no_permissions_nor_its_store_from_the_database(
    client, staff_a, store_a
):
    """A lookup at each keystroke: the staff member's permissions, the store
    and who works there come from the cache."""
    client.force_login(staff_a)
    assert lookup(client, store_a).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        assert lookup(client, store_a).status_code == 200

    tables = ("auth_permission", "partner_partner")
    assert not [q for q in queries if any(table in q["sql"] for table in tables)]


def test_staff_taken_off_a_store_are_refused_there_at_the_next_request(
    client, staff_a, store_a, store_b, committed
):
    client.force_login(staff_a)
    assert lookup(client, store_a).status_code == 200
    assert lookup(client, store_b).status_code == 403

    committed(lambda: (store_a.users.remove(staff_a), store_b.users.add(staff_a)))

    assert lookup(client, store_a).status_code == 403
    assert lookup(client, store_b).status_code == 200


def test_a_store_renamed_shows_at_the_next_request(client, staff_a, store_a, committed):
    client.force_login(staff_a)
    sale_page = reverse("instore:counter", kwargs={"store": store_a.code})
    assert client.get(sale_page).status_code == 200

    store_a.name = "Boutique Casablanca Maârif"
    committed(store_a.save)

    assert "Boutique Casablanca Maârif" in client.get(sale_page).content.decode()


def test_staff_taken_out_of_their_group_are_refused_at_the_next_request(
    client, staff_a, store_a, committed
):
    client.force_login(staff_a)
    assert lookup(client, store_a).status_code == 200

    committed(staff_a.groups.clear)

    assert lookup(client, store_a).status_code == 403


def test_a_permission_taken_from_the_group_is_refused_at_the_next_request(
    client, staff_a, store_a, committed
):
    client.force_login(staff_a)
    assert lookup(client, store_a).status_code == 200
    group = Group.objects.get(user=staff_a)

    committed(
        lambda: group.permissions.remove(
            *group.permissions.filter(codename="use_counter")
        )
    )

    assert lookup(client, store_a).status_code == 403


def test_a_superuser_no_longer_one_loses_every_permission(client, customer, store_a):
    customer.is_superuser = True
    customer.save()
    # A page listing what a user may do (Django's admin) reads them all.
    assert "instore.use_counter" in customer.get_all_permissions()
    client.force_login(customer)
    assert lookup(client, store_a).status_code == 200

    customer.is_superuser = False
    customer.save()

    assert lookup(client, store_a).status_code == 403
