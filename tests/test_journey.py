"""Smoke journeys through the real views, as a shopper and as office staff."""

import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from oscar.apps.catalogue.categories import create_from_breadcrumbs

from search import services as search_services
from search.indexing import indexing_paused
from tests.cms.builders import site_home
from tests.factories import (
    CustomerFactory,
    OfficeStaffFactory,
    ProductFactory,
    StockRecordFactory,
    StoreStaffFactory,
)

pytestmark = pytest.mark.django_db


def form_fields(page: str, form_id: str) -> tuple[str, dict]:
    """Return the action and the named input values of one form of a page."""
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S)
    assert form, f"no form #{form_id} on the page"
    action = re.search(r'action="([^"]+)"', form.group(0)).group(1)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return html.unescape(action), fields


@pytest.fixture
def argan_oil():
    """A home page as site root and one indexed product in a category."""
    site_home(title="Terroir du Maroc")
    category = create_from_breadcrumbs("Huiles > Huile d'argane")
    with indexing_paused():
        product = ProductFactory(
            title="Huile d'argane alimentaire 250 ml",
            stockrecords=None,
            categories=None,
        )
        product.categories.add(category)
        StockRecordFactory(product=product, price=Decimal("149.00"), num_in_stock=8)
    search_services.index_rebuild()
    product.listed_in = category
    return product


def test_shopper_goes_from_home_to_basket(argan_oil):
    """Home → category → product → add to basket → the basket shows it in MAD."""
    shopper = Client(enforce_csrf_checks=True)
    category = argan_oil.listed_in

    home = shopper.get("/fr/")
    assert home.status_code == 200
    assert "Terroir du Maroc" in home.content.decode()

    listing = shopper.get(category.get_absolute_url())
    assert listing.status_code == 200
    product_url = argan_oil.get_absolute_url()
    assert product_url in listing.content.decode()

    product_page = shopper.get(product_url).content.decode()
    assert "Huile d&#x27;argane alimentaire 250 ml" in product_page
    action, fields = form_fields(product_page, "add_to_basket_form")
    assert fields["csrfmiddlewaretoken"]

    added = shopper.post(action, {**fields, "quantity": 1})
    assert added.status_code == 302

    basket = shopper.get(reverse("basket:summary")).content.decode()
    text = " ".join(html.unescape(basket).replace("\xa0", " ").split())
    assert "Huile d'argane alimentaire 250 ml" in text
    assert "149,00 MAD" in text


def test_adding_to_basket_without_the_form_token_is_refused(argan_oil):
    """A forged cross-site POST cannot fill a shopper's basket."""
    shopper = Client(enforce_csrf_checks=True)

    response = shopper.post(
        reverse("basket:add", kwargs={"pk": argan_oil.pk}), {"quantity": 1}
    )

    assert response.status_code == 403
    basket = shopper.get(reverse("basket:summary")).content.decode()
    assert "Huile d&#x27;argane alimentaire 250 ml" not in basket


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (None, False),
        (CustomerFactory, False),
        (StoreStaffFactory, False),
        (OfficeStaffFactory, True),
    ],
    ids=["anonymous", "customer", "store-staff", "office-staff"],
)
def test_only_office_staff_manage_cooperatives(client, role, allowed):
    """The cooperatives dashboard opens for office staff only."""
    if role:
        client.force_login(role())
    with translation.override("en"):
        url = reverse("dashboard:cooperative-list")
        login_url = reverse("dashboard:login")

    response = client.get(url)

    if allowed:
        assert response.status_code == 200
        assert "<h1>Cooperatives</h1>" in response.content.decode()
    elif role is None:
        assert response.status_code == 302
        assert response["Location"].startswith(login_url)
    else:
        assert response.status_code == 403


def test_office_staff_log_into_the_wagtail_admin(client):
    """Office staff sign in at /cms/ with their password and reach the admin."""
    office = OfficeStaffFactory()

    signed_in = client.post(
        "/cms/login/",
        {"username": office.username, "password": "terroir-office"},
    )
    admin = client.get("/cms/")

    assert signed_in.status_code == 302
    assert admin.status_code == 200
    assert "wagtail" in admin.content.decode().lower()


def test_customers_cannot_enter_the_wagtail_admin(client):
    """A shopper's account does not open the content admin."""
    client.force_login(CustomerFactory())

    response = client.get("/cms/")

    assert response.status_code == 302
    assert "/cms/login/" in response["Location"]
