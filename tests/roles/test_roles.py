"""The role groups: what each holds, kept by migrate, and the refusal page."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from oscar.core.application import OscarDashboardConfig
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

from shop.roles import roles
from shop.roles.selectors import user_role_get
from shop.roles.services import (
    roles_sync,
    store_role_set,
    store_roles_release,
    store_staff_enrol,
)
from tests.cms.builders import root_page
from tests.factories import (
    CustomerFactory,
    OfficeStaffFactory,
    StoreManagerFactory,
    StoreStaffFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db


def group_permissions(name) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def dashboard_permission_sets():
    """Every page of the dashboard: its name and the permission sets that open
    it (any one suffices), read from each dashboard app's permissions_map."""
    for config in apps.get_app_configs():
        if not isinstance(config, OscarDashboardConfig):
            continue
        for name, wanted in config.permissions_map.items():
            alternatives = wanted if isinstance(wanted, tuple) else (wanted,)
            yield (
                f"{config.label}:{name}",
                [[p for p in each if "." in p] for each in alternatives],
            )


def test_the_role_groups_exist_after_migrate():
    """A migrated database (no demo data) has the three role groups."""
    assert set(Group.objects.values_list("name", flat=True)) >= {
        roles.OFFICE_STAFF,
        roles.STORE_STAFF,
        roles.STORE_MANAGER,
    }


def test_office_staff_hold_what_every_dashboard_page_asks():
    """For every page of every dashboard app, the office role holds one of the
    permission sets that opens it (without Oscar's partner access)."""
    held = group_permissions(roles.OFFICE_STAFF)
    missing = [
        name
        for name, alternatives in dashboard_permission_sets()
        if not any(
            set(each) <= held
            for each in alternatives
            if "partner.dashboard_access" not in each
        )
    ]
    assert not missing
    assert {
        "order.change_order",
        "reviews.change_productreview",
        "partner.add_partner",
        "auth.change_user",
        "flatpages.add_flatpage",
        "wagtailadmin.access_admin",
        "instore.act_for_any_store",
        "instore.close_drawer",
    } <= held


def test_store_roles_hold_the_counter_and_nothing_of_the_dashboard():
    """Store staff sell at the counter; managers also take returns, give larger
    discounts and close the drawer; neither holds a dashboard permission."""
    assert group_permissions(roles.STORE_STAFF) == {"instore.use_counter"}
    assert group_permissions(roles.STORE_MANAGER) == {
        "instore.use_counter",
        "instore.process_return",
        "instore.discount_beyond_cap",
        "instore.close_drawer",
    }
    dashboard = {
        permission
        for _name, alternatives in dashboard_permission_sets()
        for each in alternatives
        for permission in each
    }
    for role in roles.STORE_ROLES:
        assert not group_permissions(role) & dashboard


def test_office_staff_edit_every_page_image_and_document_in_wagtail():
    """The office group may add, change, publish and delete pages from the
    root, and manage images and documents of every collection (as every
    migrate leaves it; a transactional test's flush may have taken the root
    page away, so the tree is put back and the roles synced as migrate does)."""
    root_page()
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    roles_sync()
    group = Group.objects.get(name=roles.OFFICE_STAFF)
    on_root = GroupPagePermission.objects.filter(
        group=group, page=Page.get_first_root_node()
    ).values_list("permission__codename", flat=True)
    assert set(on_root) == {"add_page", "change_page", "publish_page", "delete_page"}
    in_root = GroupCollectionPermission.objects.filter(
        group=group, collection=Collection.get_first_root_node()
    ).values_list("permission__codename", flat=True)
    assert {"add_image", "choose_image", "add_document", "delete_document"} <= set(
        in_root
    )


def test_sync_puts_a_changed_group_back_to_its_definition():
    """Permissions added or removed by hand are undone by the next migrate."""
    staff = Group.objects.get(name=roles.STORE_STAFF)
    staff.permissions.add(
        Permission.objects.get(content_type__app_label="order", codename="view_order")
    )
    office = Group.objects.get(name=roles.OFFICE_STAFF)
    office.permissions.remove(
        Permission.objects.get(content_type__app_label="order", codename="change_order")
    )
    GroupPagePermission.objects.filter(group=office).delete()

    roles_sync()

    assert group_permissions(roles.STORE_STAFF) == {"instore.use_counter"}
    assert "order.change_order" in group_permissions(roles.OFFICE_STAFF)
    assert GroupPagePermission.objects.filter(group=office).count() == 4


def test_linking_to_a_pilot_store_makes_store_staff(store_a):
    """A customer linked to a pilot store becomes store staff; a manager stays
    manager; office staff and warehouse partners are left as they are."""
    customer, manager, office = (
        CustomerFactory(),
        StoreManagerFactory(store=store_a),
        OfficeStaffFactory(),
    )
    for user in (customer, manager, office):
        store_staff_enrol(user=user, partner=store_a)
    warehouse_user = CustomerFactory()
    store_staff_enrol(user=warehouse_user, partner=WarehouseFactory())

    assert user_role_get(user=customer) == roles.STORE_STAFF
    assert user_role_get(user=manager) == roles.STORE_MANAGER
    assert user_role_get(user=office) == roles.OFFICE_STAFF
    assert not office.groups.filter(name__in=roles.STORE_ROLES).exists()
    assert user_role_get(user=warehouse_user) is None


def test_a_store_role_is_one_of_two(store_a):
    """Promoting store staff to manager replaces the role, and back."""
    user = StoreStaffFactory(store=store_a)
    store_role_set(user=user, role=roles.STORE_MANAGER)
    assert list(user.groups.values_list("name", flat=True)) == [roles.STORE_MANAGER]
    store_role_set(user=user, role=roles.STORE_STAFF)
    assert list(user.groups.values_list("name", flat=True)) == [roles.STORE_STAFF]
    with pytest.raises(ValueError, match="Not a store role"):
        store_role_set(user=user, role=roles.OFFICE_STAFF)


def test_the_store_role_goes_with_the_last_store(store_a, store_b):
    """Unlinked from one of two stores, staff keep their role; from the last,
    they lose it."""
    relief = StoreStaffFactory(store=[store_a, store_b])
    store_a.users.remove(relief)
    store_roles_release(user=relief)
    assert user_role_get(user=relief) == roles.STORE_STAFF
    store_b.users.remove(relief)
    store_roles_release(user=relief)
    assert user_role_get(user=relief) is None


@pytest.mark.usefixtures("english")
def test_store_staff_refused_by_the_dashboard_are_sent_back_to_their_counter(
    client, store_a
):
    """The refusal is the shop's page, with a way back to the counter."""
    client.force_login(StoreStaffFactory(store=store_a))

    response = client.get(reverse("dashboard:order-list"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "You do not have access to this page." in page
    assert 'class="site-header"' in page
    assert f'href="{reverse("instore:landing")}"' in page
    assert "Back to my counter" in page


@pytest.mark.usefixtures("english")
def test_customers_refused_a_page_are_sent_back_to_the_shop(client):
    """A customer gets the shop's refusal page with a link home."""
    client.force_login(CustomerFactory())

    response = client.get(reverse("instore:landing"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "You do not have access to this page." in page
    assert "Back to the shop" in page
    assert 'href="/en/"' in page


def test_the_refusal_page_reads_right_to_left_in_arabic(client):
    """In Arabic the refusal page is laid out right to left."""
    client.force_login(CustomerFactory())

    response = client.get("/ar/shop/dashboard/")

    assert response.status_code == 403
    assert '<html lang="ar" dir="rtl"' in response.content.decode()


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("staff_a", "/fr/store/casablanca/"),
        ("office", "/fr/shop/dashboard/"),
        ("buyer", "/fr/wholesale/dashboard/"),
        ("customer", "/fr/"),
    ],
)
def test_signing_in_lands_each_role_on_its_start_page(client, people, who, landing):
    """Without a `next` page, store staff land at their counter, office staff on
    the dashboard, wholesale buyers in their company's area, customers on the
    home page of the language they used."""
    user = people[who]
    response = client.post(
        "/fr/shop/accounts/login/",
        {
            "login-username": user.email,
            "login-password": "terroir-office" if who == "office" else "terroir-client",
            "login_submit": "1",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == landing


@pytest.mark.parametrize("language", ["ar", "en"])
def test_signing_in_keeps_the_language_of_the_sign_in_page(client, people, language):
    """A shopper who signs in on the Arabic or English page stays in it."""
    response = client.post(
        f"/{language}/shop/accounts/login/",
        {
            "login-username": people["customer"].email,
            "login-password": "terroir-client",
            "login_submit": "1",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/{language}/"
    assert f'<html lang="{language}"' in response.content.decode()
