"""The demo builds the showcase page tree in French, Arabic and English."""

import io
from html import escape

import pytest
from django.utils import translation
from wagtail.models import Page, Site

from catalog.models import Region
from cms.demo import build_demo_pages
from cms.models import ArticlePage, CooperativePage, HomePage, StorePage
from tests.cms.builders import always_open, root_page
from tests.factories import CooperativeFactory, PilotStoreFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_catalogue():
    root_page()
    for city in ("Casablanca", "Marrakech"):
        always_open(PilotStoreFactory(name=f"Boutique Terroir {city}", city=city))
    cooperatives = [
        CooperativeFactory(slug=slug, region=Region.SOUSS_MASSA)
        for slug in ("tighanimine-argan", "souktana-taliouine", "tiznit-amal")
    ] + CooperativeFactory.create_batch(10)
    product = ProductFactory(cooperative=cooperatives[0])
    product.stockrecords.update(partner_sku="ARGALI-TGH-250")
    return product


def page_counts():
    return {
        (model.__name__, code): model.objects.live()
        .filter(locale__language_code=code)
        .count()
        for model in (HomePage, StorePage, CooperativePage, ArticlePage)
        for code in ("fr", "ar", "en")
    }


def test_demo_builds_the_tree_in_three_languages_and_is_idempotent(
    client, demo_catalogue
):
    """Home, 2 stores, 12 cooperatives and 6 articles exist in fr, ar and en, once."""
    output = io.StringIO()
    with translation.override("en"):
        build_demo_pages(output)
    counts = page_counts()
    for code in ("fr", "ar", "en"):
        assert counts[("HomePage", code)] == 1
        assert counts[("StorePage", code)] == 2
        assert counts[("CooperativePage", code)] == 12
        assert counts[("ArticlePage", code)] == 6
    assert "home, 2 stores, 12 cooperatives, 6 articles." in output.getvalue()
    assert (
        Site.objects.get(is_default_site=True).root_page.specific.locale.language_code
        == "fr"
    )

    pages_before = Page.objects.count()
    build_demo_pages(io.StringIO())
    assert Page.objects.count() == pages_before
    assert page_counts() == counts

    home_ar = client.get("/ar/").content.decode()
    assert "أجود منتجات التعاونيات المغربية" in home_ar
    # The featured product (named by SKU in the demo source) shows on the home.
    assert escape(demo_catalogue.title) in client.get("/fr/").content.decode()
    article = client.get("/fr/articles/reconnaitre-vraie-huile-argane/")
    assert (
        "Comment reconnaître une vraie huile d&#x27;argane" in article.content.decode()
    )
    assert client.get("/en/boutiques/marrakech/").status_code == 200
