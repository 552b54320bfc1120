"""Showcase pages render live catalogue data in the shared layout."""

import html as html_module
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from catalog.models import Certification, Region
from cms import selectors
from cms.blocks import CooperativeListBlock, ProductBlock, ProductListBlock
from cms.models import ArticlePage, CooperativePage, StandardPage
from tests.cms.builders import child, stream
from tests.factories import (
    CertificationFactory,
    CooperativeFactory,
    ProductFactory,
    StockRecordFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """Return the visible text of a page, whitespace collapsed."""
    markup = response.content.decode()
    markup = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", markup, flags=re.S)
    return html_module.unescape(" ".join(re.sub(r"<[^>]+>", " ", markup).split()))


def test_home_shows_hero_featured_products_cooperatives_and_stores(client, showcase):
    """The home shows its hero, priced featured products, cooperatives and stores."""
    response = client.get("/fr/")
    page = text(response)
    assert response.status_code == 200
    assert "Le meilleur des coopératives" in page
    assert "Safran de Taliouine 1 g" in page
    assert "120,00 MAD" in page
    assert "Coopérative Souktana du safran" in page
    assert "Trouver une boutique pilote" in page
    assert "Boutique de Casablanca" in page


def test_store_page_shows_address_hours_open_now_events_and_shelf(client, showcase):
    """A store page lists address, hours, open-now status, events and its own stock."""
    response = client.get(showcase.store_page.url)
    page = text(response)
    assert "12 boulevard d'Anfa" in page
    assert "Ouvert maintenant" in page
    assert "lundi" in page
    assert "00:00–23:59" in page
    assert "Dégustation d'amlou" in page
    assert "Disponible dans cette boutique" in page
    # The shelf price is the store's own stock record, not the online price.
    assert "110,00 MAD" in page


def test_store_page_without_hours_says_closed(client, showcase):
    """A store with no opening period today reads as closed now."""
    showcase.store.opening_periods.all().delete()
    page = text(client.get(showcase.store_page.url))
    assert "Fermé maintenant" in page
    assert "Fermé" in page


def test_store_shelf_lists_only_products_with_free_stock_here(client, showcase):
    """A product sold out in the store disappears from its shelf."""
    showcase.product.stockrecords.filter(partner=showcase.store).update(
        num_in_stock=2, num_allocated=2
    )
    page = text(client.get(showcase.store_page.url))
    assert "Safran de Taliouine 1 g" not in page
    assert "Les rayons sont en cours de réapprovisionnement." in page


def test_store_index_is_the_store_locator(client, showcase):
    """The stores index lists every store page with its address and status."""
    page = text(client.get(showcase.store_index.url))
    assert "Boutique de Casablanca" in page
    assert "Casablanca" in page
    assert "+212522000000" in page


def test_cooperative_page_shows_facts_valid_labels_and_live_products(
    client, showcase, django_capture_on_commit_callbacks
):
    """A cooperative page shows its members, valid labels only, and live prices."""
    CertificationFactory(
        cooperative=showcase.cooperative,
        scheme=Certification.Scheme.ORGANIC,
        name="Bio expiré",
        valid_from="2020-01-01",
        valid_until="2021-01-01",
    )
    page = text(client.get(showcase.cooperative_page.url))
    assert "Membres 40" in page
    assert "Femmes membres 32" in page
    assert "Safran de Taliouine" in page
    assert "Bio expiré" not in page
    assert "120,00 MAD" in page

    with django_capture_on_commit_callbacks(execute=True):
        for record in showcase.product.stockrecords.exclude(partner=showcase.store):
            record.price = Decimal("135.50")
            record.save()
    assert "135,50 MAD" in text(client.get(showcase.cooperative_page.url))


def test_cooperative_index_filters_by_region_and_label(client, showcase):
    """The cooperative index filters by region and by a label valid today."""
    other = CooperativeFactory(name="Coopérative Nakhil", region=Region.DRAA_TAFILALET)
    child(
        showcase.cooperative_index,
        CooperativePage(title=other.name, slug="nakhil", cooperative=other),
    )
    url = showcase.cooperative_index.url

    both = text(client.get(url))
    assert "Coopérative Nakhil" in both
    assert "Coopérative Souktana" in both

    by_region = text(client.get(url, {"region": Region.DRAA_TAFILALET}))
    assert "Coopérative Nakhil" in by_region
    assert "Coopérative Souktana" not in by_region

    by_label = text(client.get(url, {"label": Certification.Scheme.AOP}))
    assert "Coopérative Souktana" in by_label
    assert "Coopérative Nakhil" not in by_label


def test_cooperative_index_explains_an_unknown_filter(client, showcase):
    """An unknown region is reported and every cooperative is still listed."""
    response = client.get(showcase.cooperative_index.url, {"region": "atlantis"})
    page = text(response)
    assert response.status_code == 200
    assert "Ce filtre est inconnu ; toutes les coopératives sont affichées." in page
    assert "Coopérative Souktana" in page


def test_article_index_and_article_render_rich_body(client, showcase):
    """Articles are listed newest first and render text, product and quote blocks."""
    assert "Comment reconnaître un vrai safran" in text(
        client.get(showcase.article_index.url)
    )
    page = text(client.get(showcase.article.url))
    assert "Le vrai safran colore l'eau lentement." in page
    assert "Safran de Taliouine 1 g" in page
    assert "Cent cinquante fleurs." in page


def test_standard_page_renders_in_the_shared_layout(client, showcase):
    """A standard page shows its title with the shared menu and footer."""
    page = text(client.get(showcase.standard.url))
    assert "Qui sommes-nous" in page
    assert "Nos boutiques" in page  # main menu (CMS pages)
    assert "Service client" in page  # footer


def _sell_out(product):
    for record in product.stockrecords.all():
        record.num_in_stock = 0
        record.save()


def _unpublish(product):
    product.is_public = False
    product.save()


@pytest.mark.parametrize(
    "make_unavailable",
    [
        pytest.param(lambda product: product.delete(), id="deleted"),
        pytest.param(_sell_out, id="out-of-stock"),
        pytest.param(_unpublish, id="not-public"),
    ],
)
def test_product_block_renders_nothing_for_unavailable_product(
    client, showcase, make_unavailable, django_capture_on_commit_callbacks
):
    """A product block whose product is gone or unavailable renders nothing."""
    product = ProductFactory(title="Amlou aux amandes 250 g")
    page = child(
        showcase.home,
        StandardPage(
            title="Sélection",
            slug="selection",
            body=stream(
                ("product", {"product": product.pk}),
                ("product_list", {"heading": "Liste", "products": [product.pk]}),
            ),
        ),
    )
    assert "Amlou aux amandes 250 g" in text(client.get(page.url))

    with django_capture_on_commit_callbacks(execute=True):
        make_unavailable(product)

    response = client.get(page.url)
    assert response.status_code == 200
    assert "Amlou aux amandes 250 g" not in text(response)


def test_product_card_links_back_to_cooperative_page_tag(rf, showcase):
    """The cooperative_page_url tag finds the cooperative's page in the language."""
    template = Template(
        "{% load cms_tags %}{% cooperative_page_url coop as url %}{{ url }}"
    )
    request = rf.get("/")
    with translation.override("ar"):
        url_ar = template.render(
            Context({"coop": showcase.cooperative, "request": request})
        )
    with translation.override("fr"):
        url_fr = template.render(
            Context({"coop": showcase.cooperative, "request": request})
        )
        no_page = template.render(
            Context({"coop": CooperativeFactory(), "request": request})
        )
    assert url_fr == "/fr/cooperatives/souktana/"
    assert url_ar == "/ar/cooperatives/souktana/"
    assert no_page == ""


def test_other_products_do_not_change_block_lookup(showcase):
    """Unknown ids in a product list are skipped, known ones keep their order."""
    second = ProductFactory(title="Dattes Majhoul 1 kg")
    StockRecordFactory(product=second)
    cards = selectors.product_cards_get(
        product_ids=[second.pk, 999999, showcase.product.pk],
        strategy=selectors.strategy_for(None),
    )
    assert [card.title for card in cards] == [
        "Dattes Majhoul 1 kg",
        "Safran de Taliouine 1 g",
    ]


def test_product_page_links_back_to_its_cooperative_page(client, showcase):
    """A product page links to its cooperative's showcase page in the same language."""
    html = client.get(showcase.product.get_absolute_url()).content.decode()
    assert 'href="/fr/cooperatives/souktana/"' in html
    with translation.override("ar"):
        arabic_url = showcase.product.get_absolute_url()
    assert (
        'href="/ar/cooperatives/souktana/"' in client.get(arabic_url).content.decode()
    )


def test_block_previews_show_live_catalogue_data(showcase):
    """The admin's block previews render a real product and cooperative."""
    for block in (ProductBlock(), ProductListBlock()):
        assert "Safran de Taliouine 1 g" in block.render(block.get_preview_value())
    cooperatives = CooperativeListBlock()
    assert "Coopérative Souktana du safran" in cooperatives.render(
        cooperatives.get_preview_value()
    )


def test_article_index_filters_by_kind(client, showcase):
    """Readers narrow the articles to recipes; an unknown kind shows them all."""
    recipe = child(
        showcase.article_index,
        ArticlePage(
            title="Tajine au safran", slug="tajine", kind=ArticlePage.Kind.RECIPE
        ),
    )
    url = showcase.article_index.url
    recipes = text(client.get(url, {"kind": "recipe"}))
    assert recipe.title in recipes
    assert "Comment reconnaître un vrai safran" not in recipes
    everything = text(client.get(url, {"kind": "poems"}))
    assert recipe.title in everything
    assert "Comment reconnaître un vrai safran" in everything
