"""Staff search the dashboard product list with the storefront's query builder."""

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse

from search import local_engine
from search.indexing import indexing_paused
from tests.factories import (
    CustomerFactory,
    OfficeStaffFactory,
    ProductFactory,
    StoreStaffFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _listed_titles(client, **params) -> list[str]:
    response = client.get(reverse("dashboard:catalogue-product-list"), params)
    assert response.status_code == 200
    return [row.record.title for row in response.context["products"].page]


@pytest.fixture
def office(client, catalogue):
    client.force_login(OfficeStaffFactory())
    return client


def test_a_typo_finds_the_product(office):
    """'safarn' lists the saffron first, where matching title words finds nothing."""
    assert _listed_titles(office, title="safarn")[0] == "Safran de Taliouine"


def test_synonyms_and_arabic_reach_the_products(office):
    """'argan oil' and 'زيت الأركان' list both argan oils before anything else."""
    argan_oils = {"Huile d'argane alimentaire bio", "Huile d'argane cosmétique"}
    for text in ("argan oil", "زيت الأركان"):
        assert set(_listed_titles(office, title=text)[:2]) == argan_oils, text


def test_unpublished_products_still_match_their_title(office):
    """A product kept off the shop (so not in the engine) is listed after the
    engine's matches when its title holds the words."""
    with indexing_paused():
        ProductFactory(title="Huile d'argane brute, lot 12", is_public=False)
    titles = _listed_titles(office, title="huile d'argane")
    assert titles[-1] == "Huile d'argane brute, lot 12"
    assert "Huile d'argane cosmétique" in titles[:-1]


def test_staff_can_still_sort_the_results_by_a_column(office):
    """Clicking the title column orders the matches alphabetically."""
    titles = _listed_titles(office, title="huile", sort="title")
    assert len(titles) > 1
    assert titles == sorted(titles)


def test_engine_down_matches_titles_with_a_notice(office):
    """With the engine stopped the list still answers from the titles, and says so."""
    down = f"http://127.0.0.1:{local_engine.free_port()}"
    with override_settings(ELASTICSEARCH_URL=down):
        response = office.get(
            reverse("dashboard:catalogue-product-list"), {"title": "Safran"}
        )
    assert response.status_code == 200
    assert [row.record.title for row in response.context["products"].page] == [
        "Safran de Taliouine"
    ]
    assert "The search engine is not answering" in response.content.decode()


def test_shoppers_cannot_search_the_dashboard(client, db):
    """A customer account does not reach the dashboard product search."""
    ProductFactory(title="Safran de Taliouine")
    client.force_login(CustomerFactory())
    response = client.get(
        reverse("dashboard:catalogue-product-list"), {"title": "safran"}
    )
    assert response.status_code == 403
    assert "Safran de Taliouine" not in response.content.decode()


def test_store_staff_search_only_their_store_products(client, catalogue):
    """Partner users with Oscar's dashboard access find, typos included, only
    what their store stocks: the saffron, never the argan oils kept in the
    warehouse."""
    # Our store roles work at the counter and have no dashboard; a partner
    # user holding partner.dashboard_access is still a configuration Oscar
    # supports, and its product search must stay limited to the partner.
    staff = StoreStaffFactory(store=catalogue["store"])
    staff.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="partner", codename="dashboard_access"
        )
    )
    client.force_login(staff)
    assert _listed_titles(client, title="safarn") == ["Safran de Taliouine"]
    assert _listed_titles(client, title="argan oil") == []
