"""A buyer's search listing loads the wholesale lines of all its cards at once."""

from decimal import Decimal

import pytest
from django.test import Client

from search import services
from shop.wholesale.models import PriceTier
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [2, 10])
def test_wholesale_cards_cost_the_same_for_two_or_ten_products(
    buyer, count, django_assert_max_num_queries
):
    """Ten honey cards with volume prices cost no more queries than two."""
    for n in range(count):
        product = ProductFactory(title=f"Miel de thym {n}", wholesale_pack_size=6)
        PriceTier.objects.create(
            product=product, min_packs=1, unit_price=Decimal("60.00")
        )
    services.index_rebuild()
    client = Client()
    client.force_login(buyer)
    # Basket, session and the placeholder's thumbnail settled before counting
    # (another query, so no cached listing is reused).
    client.get("/en/shop/search/", {"q": "miel"})
    with django_assert_max_num_queries(18):
        page = client.get("/en/shop/search/", {"q": "miel thym"})
    assert page.content.decode().count("units per pack") == count
