"""Showcase pages query the database a bounded number of times and cache well."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.test.factories import BasketFactory, UserFactory

from tests.factories import ProductFactory, StockRecordFactory

pytestmark = pytest.mark.django_db

PAGES = ["home", "cooperative_page", "store_page"]
# A render with an empty cache, and one with the shared parts (menu, footer,
# page body, cards) already cached, as most renders for signed-in shoppers are.
QUERY_BUDGET = 30
WARM_QUERY_BUDGET = 10
# With a basket: the header's basket and the session (measured 14 to 18).
BASKET_QUERY_BUDGET = 20


def count_queries(client, url, *, cold: bool = False) -> int:
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_within_query_budget(
    client, showcase, django_assert_max_num_queries, name
):
    """Home, cooperative and store pages stay within a fixed query budget."""
    url = getattr(showcase, name).url
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(WARM_QUERY_BUDGET):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_catalogue(client, showcase, name):
    """Adding products to the cooperative, the store and the home adds no query.

    Counted on full renders (empty cache), so no cached part hides a query per card.
    """
    url = getattr(showcase, name).url
    client.get(url)
    before = count_queries(client, url, cold=True)

    # New products land in an existing category: the menu lists categories, so a
    # new top-level category is one more menu entry (and URL lookup), not a leak.
    category = showcase.product.categories.get()
    for number in range(6):
        product = ProductFactory(
            title=f"Huile d'argane {number}",
            cooperative=showcase.cooperative,
            categories__category=category,
        )
        StockRecordFactory(product=product, partner=showcase.store, num_in_stock=4)

    assert count_queries(client, url, cold=True) == before


def strip_user_nav(html: str) -> str:
    """The page without the user nav, nor the CSP nonce (new on every request)."""
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r"<!-- user-nav -->.*?<!-- /user-nav -->", "", html, flags=re.S)


@pytest.mark.parametrize("name", PAGES)
def test_per_user_content_stays_in_the_user_nav(client, showcase, name):
    """A signed-in customer with a basket sees the same page outside the user nav."""
    url = getattr(showcase, name).url
    anonymous = client.get(url).content.decode()

    customer = UserFactory(email="client@terroir.ma")
    basket = BasketFactory(owner=customer)
    basket.add_product(showcase.product)
    client.force_login(customer)
    signed_in = client.get(url).content.decode()

    assert "Mon compte" in signed_in
    assert "Mon compte" not in anonymous
    assert "1 article" in signed_in
    assert strip_user_nav(signed_in) == strip_user_nav(anonymous)


@pytest.mark.parametrize("name", PAGES)
def test_page_for_a_shopper_with_a_basket_stays_within_budget(
    client, showcase, django_assert_max_num_queries, name
):
    """An anonymous shopper with a basket (session path of `make bench`)."""
    response = client.post(
        reverse("basket:add", kwargs={"pk": showcase.product.pk}), {"quantity": 1}
    )
    assert response.status_code == 302
    url = getattr(showcase, name).url
    client.get(url)
    with django_assert_max_num_queries(BASKET_QUERY_BUDGET):
        response = client.get(url)
    assert "1 article" in response.content.decode()
