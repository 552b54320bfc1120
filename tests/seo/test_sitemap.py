"""sitemap.xml and robots.txt."""

import re

import pytest
from defusedxml import ElementTree as ET
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from shop.seo import sitemaps
from tests.factories import ProductFactory, StockRecordFactory
from tests.seo.conftest import url_in

pytestmark = pytest.mark.django_db
BASE = "http://testserver"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}
SECTIONS = ["products", "categories", "cooperatives", "stores", "articles", "pages"]


def entries(client, section, page=None) -> dict[str, dict[str, str]]:
    """Return each listed URL with its alternates by language."""
    url = reverse("sitemap-section", kwargs={"section": section})
    response = client.get(url, {"p": page} if page else {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return {
        node.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href")
            for link in node.findall("x:link", NS)
        }
        for node in root.findall("s:url", NS)
    }


def test_index_lists_every_section(client, showcase):
    """The sitemap index points to each section's sitemap."""
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = [node.text for node in root.findall("s:sitemap/s:loc", NS)]
    assert locations == [f"{BASE}/sitemap-{section}.xml" for section in SECTIONS]


def test_products_are_listed_in_three_languages_with_alternates(client, showcase):
    """Each public product is listed in fr, ar and en, each naming the others."""
    listed = entries(client, "products")
    product = showcase.product
    alternates = {
        "fr": BASE + url_in("fr", product),
        "ar": BASE + url_in("ar", product),
        "en": BASE + url_in("en", product),
        "x-default": BASE + url_in("fr", product),
    }
    for code in ("fr", "ar", "en"):
        assert listed[BASE + url_in(code, product)] == alternates
    assert not [url for url in listed if f"_{showcase.hidden.pk}/" in url]
    assert len(listed) == 3


def test_categories_are_listed_in_three_languages(client, showcase):
    """Public categories appear under each language."""
    listed = entries(client, "categories")
    for code in ("fr", "ar", "en"):
        assert BASE + url_in(code, showcase.category) in listed


def test_showcase_pages_are_listed_in_the_languages_they_exist_in(client, showcase):
    """Cooperatives, stores and articles appear in each published language only."""
    cooperatives = entries(client, "cooperatives")
    fr, ar = showcase.cooperative_page.url, showcase.ar["cooperative_page"].url
    expected = {"fr": BASE + fr, "ar": BASE + ar, "x-default": BASE + fr}
    assert cooperatives == {BASE + fr: expected, BASE + ar: expected}

    stores = entries(client, "stores")
    assert set(stores) == {
        BASE + showcase.store_page.url,
        BASE + showcase.ar["store_page"].url,
    }

    articles = entries(client, "articles")
    assert articles == {
        BASE + showcase.article.url: {
            "fr": BASE + showcase.article.url,
            "x-default": BASE + showcase.article.url,
        }
    }
    pages = entries(client, "pages")
    assert BASE + showcase.home.url in pages
    assert BASE + showcase.ar["home"].url in pages
    assert BASE + showcase.standard.url in pages
    assert BASE + showcase.cooperative_page.url not in pages


def test_private_and_draft_pages_are_left_out(client, showcase):
    """A page behind a password or not published is not in the sitemap."""
    PageViewRestriction.objects.create(
        page=showcase.article, restriction_type="password", password="secret"
    )
    showcase.standard.unpublish()
    assert entries(client, "articles") == {}
    assert BASE + showcase.standard.url not in entries(client, "pages")


def test_products_are_split_into_pages(client, showcase, monkeypatch):
    """Past a page's size, products continue on the next sitemap page."""
    monkeypatch.setattr(sitemaps.ProductSitemap, "items_per_page", 1)
    ProductFactory(title="Amlou 250 g", cooperative=showcase.cooperative)
    index = client.get(reverse("sitemap")).content.decode()
    assert f"{BASE}/sitemap-products.xml?p=2" in index
    first, second = entries(client, "products"), entries(client, "products", 2)
    assert len(first) == len(second) == 3
    assert not set(first) & set(second)
    assert (
        client.get(reverse("sitemap-section", args=["products"]), {"p": 3}).status_code
        == 404
    )
    assert client.get(reverse("sitemap-section", args=["nothing"])).status_code == 404


def test_sitemap_queries_do_not_grow_with_the_catalogue(client, showcase, committed):
    """A sitemap page costs the same few queries for 1 or 20 products, and none
    once cached until the catalogue changes."""
    url = reverse("sitemap-section", kwargs={"section": "products"})

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    assert before <= 3
    assert count() == 0

    def add_products():
        for number in range(20):
            product = ProductFactory(
                title=f"Miel {number}", cooperative=showcase.cooperative
            )
            StockRecordFactory(product=product, num_in_stock=2)

    committed(add_products)
    assert count() == before
    assert len(entries(client, "products")) == 21 * 3


def test_robots_txt_keeps_crawlers_out_of_private_pages(client, showcase):
    """robots.txt disallows basket, checkout, account, dashboard, counter and
    search in every language, and gives the sitemap."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    disallowed = re.findall(r"^Disallow: (\S+)$", text, flags=re.M)
    for code in ("fr", "ar", "en"):
        for path in ("basket", "checkout", "accounts", "dashboard", "search"):
            assert f"/{code}/shop/{path}/" in disallowed
        assert f"/{code}/store/" in disallowed
    assert "/django-admin/" in disallowed
    assert f"/{code}/shop/catalogue/" not in disallowed
    assert re.search(rf"^Sitemap: {BASE}/sitemap.xml$", text, flags=re.M)
