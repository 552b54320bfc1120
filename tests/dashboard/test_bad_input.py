"""Dashboard pages answer hostile parameters with 404 or a message, never a 500."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(office):
    client = Client(raise_request_exception=False)
    client.force_login(office)
    return client


def test_a_stock_alert_filter_with_a_null_byte_lists_every_alert(staff):
    """`?status=%00` lists every alert, as without a filter, instead of a 500."""
    response = staff.get("/fr/shop/dashboard/catalogue/stock-alerts/?status=%00")

    assert response.status_code == 200
    assert "Toutes les alertes" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/fr/shop/dashboard/catalogue/attribute-option-group/abc/update/",
        "/fr/shop/dashboard/catalogue/option/abc/update/",
        "/fr/shop/dashboard/catalogue/attribute-option-group/abc/delete/",
        "/fr/shop/dashboard/catalogue/option/abc/delete/",
    ],
)
def test_a_non_numeric_id_is_not_found(staff, path):
    """A tampered option or option group id answers 404, not a 500."""
    assert staff.get(path).status_code == 404
