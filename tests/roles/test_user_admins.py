"""Office staff may manage users, not make administrators (Django and Wagtail
admins), since the dashboard's user pages give them `auth.change_user`."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import CustomerFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@terroir.ma", "root-password")


def test_the_django_admin_shows_rights_to_superusers_only(client, root):
    """Office staff edit a customer without the administrator box, groups or
    permissions; a superuser still has them."""
    customer = CustomerFactory()
    url = f"/django-admin/auth/user/{customer.pk}/change/"

    client.force_login(OfficeStaffFactory())
    as_office = client.get(url)
    client.force_login(root)
    as_root = client.get(url)

    assert as_office.status_code == 200
    office_form = as_office.content.decode()
    assert 'name="first_name"' in office_form
    for field in ("is_superuser", "groups", "user_permissions"):
        assert f'name="{field}"' not in office_form
        assert f'name="{field}"' in as_root.content.decode()


def test_office_staff_cannot_edit_an_administrator_in_the_django_admin(client, root):
    """Office staff may look at an administrator's account, not change it or
    its password."""
    client.force_login(OfficeStaffFactory())

    response = client.get(f"/django-admin/auth/user/{root.pk}/change/")
    password = client.get(f"/django-admin/auth/user/{root.pk}/password/")

    assert response.status_code == 200
    assert 'name="first_name"' not in response.content.decode()
    assert password.status_code == 403


def test_office_staff_cannot_make_an_administrator_in_wagtail(client):
    """Ticking "Administrator" on a customer in /cms/users/ is refused."""
    customer = CustomerFactory()
    client.force_login(OfficeStaffFactory())

    response = client.post(
        f"/cms/users/edit/{customer.pk}/",
        {
            "username": customer.username,
            "email": customer.email,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "is_active": "on",
            "is_superuser": "on",
        },
        follow=True,
    )

    # Wagtail's admin speaks the shop's default language, French.
    assert "Seul un administrateur peut modifier un administrateur." in (
        response.content.decode()
    )
    customer.refresh_from_db()
    assert not customer.is_superuser


def test_office_staff_cannot_take_over_an_administrator_in_wagtail(client, root):
    """An administrator's account cannot be opened (password included)."""
    client.force_login(OfficeStaffFactory())

    response = client.post(
        f"/cms/users/edit/{root.pk}/",
        {"username": "root", "email": "root@terroir.ma", "password1": "x" * 12},
    )

    assert response.status_code == 302
    root.refresh_from_db()
    assert root.check_password("root-password")


def test_office_staff_still_edit_a_customer_in_wagtail(client):
    """A plain edit goes through."""
    customer = CustomerFactory(first_name="Salma")
    client.force_login(OfficeStaffFactory())

    client.post(
        f"/cms/users/edit/{customer.pk}/",
        {
            "username": customer.username,
            "email": customer.email,
            "first_name": "Salma-Nour",
            "last_name": customer.last_name,
            "is_active": "on",
        },
    )

    customer.refresh_from_db()
    assert customer.first_name == "Salma-Nour"
