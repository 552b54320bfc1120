"""Protection headers hold on cached pages too, and personal pages are never shared."""

import pytest
from django.test import Client
from django.urls import reverse
from oscar.test.factories import UserFactory

from tests.cms.builders import showcase_tree
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


def twice(url):
    """The second cookie-less visitor's answer, served from the page cache."""
    Client().get(url)
    return Client().get(url)


@pytest.mark.parametrize("url", ["/fr/", "product", "/fr/shop/accounts/login/"])
def test_a_cached_page_cannot_be_framed_by_another_site(url):
    """The copy served from the cache says DENY to framing, like the first one."""
    if url == "/fr/":
        showcase_tree()
    if url == "product":
        url = ProductFactory(stockrecords__num_in_stock=3).get_absolute_url()
    response = twice(url)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize(
    "url_name", ["customer:profile-view", "customer:address-list", "basket:summary"]
)
def test_account_and_basket_pages_are_private(client, url_name):
    """A shared proxy never keeps a customer's own page for someone else."""
    client.force_login(UserFactory())

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_checkout_pages_are_private(client):
    """The checkout's answers, redirects included, are never stored by a proxy."""
    response = client.get(reverse("checkout:index"))

    assert "private" in response["Cache-Control"]
