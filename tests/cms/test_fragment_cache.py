"""Shared fragments (menu, footer, cards) follow the catalogue and stay impersonal.

The test cache is a real local-memory cache, so every fragment and catalogue
entry these pages cache is cached here too: a change must show on the next
request because it moves the catalogue version, as it does in production.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs

from tests.cms.builders import stream
from tests.cms.test_pages import text
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def menu(response) -> str:
    markup = response.content.decode()
    return text_of(re.search(r'<nav class="main-menu".*?</nav>', markup, re.S)[0])


def footer(response) -> str:
    markup = response.content.decode()
    return text_of(re.search(r"<footer.*?</footer>", markup, re.S)[0])


def text_of(markup: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


def basket_count(response) -> str:
    markup = response.content.decode()
    return re.search(r'class="mini-basket__count">([^<]*)<', markup)[1].strip()


def test_a_new_category_shows_in_the_menu_on_the_next_request(
    client, showcase, committed
):
    """A category added in the dashboard appears in every page's menu at once."""
    assert "Miels" not in menu(client.get("/fr/"))
    assert "Miels" not in menu(client.get(showcase.product.get_absolute_url()))

    committed(lambda: create_from_breadcrumbs("Miels"))

    assert "Miels" in menu(client.get("/fr/"))
    assert "Miels" in menu(client.get(showcase.product.get_absolute_url()))


def test_a_renamed_menu_page_shows_in_menu_and_footer_on_the_next_request(
    client, showcase, committed
):
    """Publishing a new title for a menu page renames it in the menu and footer."""
    page = client.get(showcase.standard.url)
    assert "Nos boutiques" in menu(page)
    assert "Nos boutiques" in footer(page)

    def rename():
        showcase.store_index.title = "Nos magasins"
        showcase.store_index.save_revision().publish()

    committed(rename)

    page = client.get(showcase.standard.url)
    assert "Nos magasins" in menu(page)
    assert "Nos magasins" in footer(page)
    assert "Nos boutiques" not in menu(page)


def test_the_menu_marks_the_current_page_only_on_that_page(client, showcase):
    """The cached menu still marks the page being read, and only that one."""
    on_index = client.get(showcase.store_index.url).content.decode()
    on_home = client.get("/fr/").content.decode()

    current = f'href="{showcase.store_index.url}" aria-current="page"'
    assert current in on_index
    assert current not in on_home


def test_a_price_change_shows_in_home_and_cooperative_cards_on_the_next_request(
    client, showcase, committed
):
    """Featured products and a cooperative's products show a new price at once."""
    assert "120,00 MAD" in text(client.get("/fr/"))
    assert "120,00 MAD" in text(client.get(showcase.cooperative_page.url))

    def reprice():
        for record in showcase.product.stockrecords.exclude(partner=showcase.store):
            record.price = Decimal("99.50")
            record.save()

    committed(reprice)

    for url in ("/fr/", showcase.cooperative_page.url):
        page = text(client.get(url))
        assert "99,50 MAD" in page
        assert "120,00 MAD" not in page


def test_a_sold_out_shelf_shows_on_the_store_page_on_the_next_request(
    client, showcase, committed
):
    """A product sold out in a store leaves its shelf on the next request."""
    assert "Safran de Taliouine 1 g" in text(client.get(showcase.store_page.url))

    def sell_out():
        record = showcase.product.stockrecords.get(partner=showcase.store)
        record.num_allocated = record.num_in_stock
        record.save()

    committed(sell_out)

    page = text(client.get(showcase.store_page.url))
    assert "Safran de Taliouine 1 g" not in page
    assert "Les rayons sont en cours de réapprovisionnement." in page


def test_an_expired_label_leaves_the_cooperative_page_on_the_next_request(
    client, showcase, committed
):
    """A label whose validity is cut short disappears from the cooperative page."""
    assert "Safran de Taliouine" in text(client.get(showcase.cooperative_page.url))

    def expire():
        label = showcase.cooperative.certifications.get(name="Safran de Taliouine")
        label.valid_until = "2021-01-01"
        label.valid_from = "2020-01-01"
        label.save()

    committed(expire)

    page = text(client.get(showcase.cooperative_page.url))
    assert "Labels de qualité" not in page


@pytest.mark.parametrize("page_cache_seconds", [0, 60])
def test_login_state_and_basket_are_never_shared(
    client, showcase, settings, page_cache_seconds
):
    """Shared fragments never carry one visitor's login or basket to another."""
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    shopper = client
    shopper.force_login(CustomerFactory())
    shopper.post(
        reverse("basket:add", kwargs={"pk": showcase.product.pk}), {"quantity": 1}
    )
    visitor = type(client)()
    urls = [
        "/fr/",
        showcase.product.get_absolute_url(),
        showcase.cooperative_page.url,
        showcase.store_page.url,
    ]

    for url in urls:
        for first, second in ((shopper, visitor), (visitor, shopper)):
            first.get(url)
            second.get(url)
        mine = shopper.get(url)
        theirs = visitor.get(url)
        assert "Déconnexion" in text(mine), url
        assert basket_count(mine).startswith("1"), url
        assert "Se connecter ou créer un compte" in text(theirs), url
        assert "Déconnexion" not in text(theirs), url
        assert basket_count(theirs).startswith("0"), url


def test_a_preview_shows_the_unsaved_body_though_the_live_one_is_cached(
    client, showcase
):
    """An editor previewing a draft sees the draft, not the cached live body."""
    live = showcase.standard
    assert "Qui sommes-nous" in text(client.get(live.url))
    live.body = stream(("paragraph", "<p>Brouillon pas encore publié.</p>"))

    preview = live.make_preview_request()
    preview.render()

    assert "Brouillon pas encore publié." in text(preview)
    assert "Brouillon pas encore publié." not in text(client.get(live.url))


def test_a_published_body_shows_on_the_next_request(client, showcase, committed):
    """Publishing a page with a new body replaces the cached one at once."""
    page = showcase.standard
    client.get(page.url)

    def publish():
        page.body = stream(("paragraph", "<p>Nouvelle présentation.</p>"))
        page.save_revision().publish()

    committed(publish)

    assert "Nouvelle présentation." in text(client.get(page.url))
