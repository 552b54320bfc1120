"""Opening a store from the dashboards: a partner of kind pilot store, its
details, and its staff (who get the store roles, not the dashboard)."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shop.partner.models import Partner
from shop.roles import roles
from shop.roles.selectors import user_role_get
from tests.factories import (
    CustomerFactory,
    OfficeStaffFactory,
    StoreStaffFactory,
    WarehouseFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STORE = {
    "name": "Boutique Rabat",
    "kind": "pilot_store",
    "city": "Rabat",
    "street_address": "4 avenue Mohammed V",
    "phone": "+212537000000",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


def has_dashboard_access(user) -> bool:
    return user.user_permissions.filter(codename="dashboard_access").exists()


def test_office_staff_open_a_pilot_store(office, client):
    """The partner form takes the kind, city, address and phone; the store's
    page then says what else it needs (staff, its showcase page, hours)."""
    client.force_login(office)

    response = client.post(reverse("dashboard:partner-create"), STORE, follow=True)

    store = Partner.objects.get(name="Boutique Rabat")
    assert (store.kind, store.city, store.street_address, store.phone) == (
        "pilot_store",
        "Rabat",
        "4 avenue Mohammed V",
        "+212537000000",
    )
    page = text(response)
    assert "Partner 'Boutique Rabat' was created successfully." in page
    assert 'id="store-setup"' in page
    assert "add a “Store page” under the store index" in page
    assert reverse("admin:partner_partner_change", args=[store.pk]) in page
    listing = text(client.get(reverse("dashboard:partner-list")))
    assert "Pilot store" in listing
    assert "4 avenue Mohammed V, Rabat" in listing


def test_a_pilot_store_needs_its_city_and_address(office, client):
    """Without city and street address the form says what is missing."""
    client.force_login(office)

    response = client.post(
        reverse("dashboard:partner-create"),
        {**STORE, "city": "", "street_address": ""},
    )

    assert response.status_code == 200
    assert "A pilot store needs its city and street address." in text(response)
    assert not Partner.objects.filter(name="Boutique Rabat").exists()


def test_office_staff_edit_a_store_on_its_page(office, client, store_a):
    """The manage page edits the location itself (not an Oscar address)."""
    client.force_login(office)
    url = reverse("dashboard:partner-manage", args=[store_a.pk])

    response = client.post(
        url, {**STORE, "name": "Boutique Casablanca Anfa", "city": "Casablanca"}
    )

    assert response.status_code == 302
    store_a.refresh_from_db()
    assert store_a.name == "Boutique Casablanca Anfa"
    assert store_a.street_address == "4 avenue Mohammed V"


def test_a_new_user_of_a_store_is_store_staff_not_dashboard_staff(
    office, client, store_a
):
    """Created from the store's page, the user is store staff (or manager, as
    chosen), works at the counter and is refused the dashboard."""
    client.force_login(office)

    response = client.post(
        reverse("dashboard:partner-user-create", args=[store_a.pk]),
        {
            "first_name": "Hind",
            "last_name": "Chraibi",
            "email": "hind@terroir.ma",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
            "role": roles.STORE_MANAGER,
        },
        follow=True,
    )

    hind = get_user_model().objects.get(email="hind@terroir.ma")
    assert "User 'Hind Chraibi' was created successfully." in text(response)
    assert "Store manager" in text(response)
    assert store_a.users.filter(pk=hind.pk).exists()
    assert user_role_get(user=hind) == roles.STORE_MANAGER
    assert not hind.is_staff
    assert not has_dashboard_access(hind)
    client.force_login(hind)
    assert client.get(reverse("instore:landing")).status_code == 302
    assert client.get(reverse("dashboard:index")).status_code == 403


def test_linking_a_customer_to_a_store_makes_them_store_staff(
    office, client, store_a, customer
):
    """Linked from the partner dashboard, a customer becomes store staff."""
    client.force_login(office)

    response = client.post(
        reverse("dashboard:partner-user-link", args=[store_a.pk, customer.pk]),
        follow=True,
    )

    assert "was linked to 'Boutique Casablanca'" in text(response)
    assert user_role_get(user=customer) == roles.STORE_STAFF
    assert not has_dashboard_access(customer)


def test_linking_keeps_a_higher_role(office, client, store_a, store_b, manager_a):
    """A manager linked to a second store stays manager; office staff linked to
    a store stay office staff."""
    colleague = OfficeStaffFactory()
    client.force_login(office)
    for user in (manager_a, colleague):
        client.post(reverse("dashboard:partner-user-link", args=[store_b.pk, user.pk]))

    assert user_role_get(user=manager_a) == roles.STORE_MANAGER
    assert user_role_get(user=colleague) == roles.OFFICE_STAFF
    assert not colleague.groups.filter(name__in=roles.STORE_ROLES).exists()


def test_unlinking_from_the_last_store_takes_the_role_away(
    office, client, store_a, store_b
):
    """Staff of two stores keep their role when unlinked from one, not the last."""
    relief = StoreStaffFactory(store=[store_a, store_b])
    client.force_login(office)

    client.post(reverse("dashboard:partner-user-unlink", args=[store_a.pk, relief.pk]))
    assert user_role_get(user=relief) == roles.STORE_STAFF
    client.post(reverse("dashboard:partner-user-unlink", args=[store_b.pk, relief.pk]))
    assert user_role_get(user=relief) is None


def test_office_staff_promote_store_staff_to_manager(office, client, staff_a, store_a):
    """The user form of a store offers the two store roles; the details save
    without choosing a new password."""
    client.force_login(office)
    url = reverse("dashboard:partner-user-update", args=[store_a.pk, staff_a.pk])
    form = text(client.get(url))
    assert "Store manager: also returns, larger discounts" in form

    client.post(
        url,
        {"first_name": "Youssef", "last_name": "Amrani", "role": roles.STORE_MANAGER},
    )

    assert user_role_get(user=staff_a) == roles.STORE_MANAGER
    staff_a.refresh_from_db()
    assert not staff_a.is_staff
    assert staff_a.check_password("terroir-client")


def test_a_warehouse_keeps_oscars_partner_access(office, client):
    """Linking a user to a warehouse still gives Oscar's partner dashboard
    access (our store roles are for pilot stores)."""
    warehouse = WarehouseFactory()
    user = CustomerFactory()
    client.force_login(office)

    client.post(reverse("dashboard:partner-user-link", args=[warehouse.pk, user.pk]))

    assert has_dashboard_access(user)
    assert user_role_get(user=user) is None
