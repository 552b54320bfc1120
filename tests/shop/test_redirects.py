"""A `next` parameter sends a visitor back into the shop, never to another site."""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from shop.redirects import safe_next_url
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db
HOSTILE = [
    "https://evil.example/",
    "//evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "\\\\evil.example",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_another_site_falls_back_to_the_default(target):
    request = RequestFactory().get("/")

    assert safe_next_url(request, target, "basket:summary") == reverse("basket:summary")


def test_a_page_of_the_site_is_kept():
    request = RequestFactory().get("/")

    assert safe_next_url(request, "/fr/shop/basket/?x=1", "/") == "/fr/shop/basket/?x=1"


def test_over_https_a_plain_http_address_of_the_site_is_refused():
    request = RequestFactory().get("/", secure=True)

    assert safe_next_url(request, "http://testserver/fr/", "/") == "/"


@pytest.mark.parametrize("target", HOSTILE)
def test_adding_to_the_basket_never_leaves_the_site(target):
    """The add-to-basket form's `next` to another site lands on the basket."""
    product = ProductFactory(stockrecords__num_in_stock=5)

    response = Client().post(
        reverse("basket:add", kwargs={"pk": product.pk}),
        {"quantity": 1, "next": target},
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert "javascript" not in response["Location"]


@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_never_leaves_the_site(target):
    """A login link carrying `next` to another site signs in and stays here."""
    customer = CustomerFactory(email="salma@example.ma")
    customer.set_password("argane-2026")
    customer.save()
    login = reverse("customer:login")

    response = Client().post(
        f"{login}?next={target}",
        {
            "login-username": "salma@example.ma",
            "login-password": "argane-2026",
            "login-redirect_url": target,
            "login_submit": "1",
        },
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert "javascript" not in response["Location"]


@pytest.mark.parametrize("target", HOSTILE)
def test_registering_never_leaves_the_site(target, django_capture_on_commit_callbacks):
    """A registration link carrying `next` to another site stays here, and so
    does the emailed link that opens the account, even with its `next` changed."""
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{reverse('customer:register')}?next={target}",
            {
                "email": "nouveau@example.ma",
                "password1": "argane-2026-miel",
                "password2": "argane-2026-miel",
                "redirect_url": target,
            },
        )
    link = re.search(r"https?://[^/\s]+(/[^?\s]+)", mail.outbox[-1].body).group(1)

    response = client.post(
        f"{link}?{urlencode({'next': target})}", {"password": "argane-2026-miel"}
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert "javascript" not in response["Location"]
