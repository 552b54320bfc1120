"""Page heads: title, description, canonical, hreflang, schema.org and previews."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.seo.conftest import (
    canonical,
    head_links,
    json_ld,
    meta,
    of_type,
    title,
    url_in,
)

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_product_page_head_in_each_language(client, showcase):
    """A product page has its title, a description, its canonical URL and the
    same product in fr, ar and en (French by default)."""
    for code in ("fr", "ar", "en"):
        url = url_in(code, showcase.product)
        html = get(client, url)
        assert title(html).startswith("Safran de Taliouine 1 g | ")
        assert meta(html, "description") == (
            "Safran de Taliouine 1 g, Coopérative Souktana du safran"
        )
        assert canonical(html) == BASE + url
        assert head_links(html) == {
            "fr": BASE + url_in("fr", showcase.product),
            "ar": BASE + url_in("ar", showcase.product),
            "en": BASE + url_in("en", showcase.product),
            "x-default": BASE + url_in("fr", showcase.product),
        }
        assert meta(html, "og:url") == BASE + url
        assert meta(html, "og:type") == "product"


def test_product_json_ld_carries_price_currency_availability_and_brand(
    client, showcase
):
    """Search engines read the price, the currency, the stock and the cooperative."""
    html = get(client, showcase.product.get_absolute_url())
    product = of_type(html, "Product")
    assert product["name"] == "Safran de Taliouine 1 g"
    assert product["url"] == BASE + showcase.product.get_absolute_url()
    assert product["brand"] == {
        "@type": "Brand",
        "name": "Coopérative Souktana du safran",
    }
    offer = product["offers"]
    assert offer["@type"] == "Offer"
    # The online price: the pilot store's shelf price is for its counter only.
    assert offer["price"] == "120.00"
    assert offer["priceCurrency"] == "MAD"
    assert offer["availability"] == "https://schema.org/InStock"
    crumbs = of_type(html, "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == [
        "Accueil",
        "Huiles",
        "Safran de Taliouine 1 g",
    ]
    assert [crumb["position"] for crumb in crumbs] == [1, 2, 3]


def test_sold_out_product_says_so(client, showcase):
    """A product with no stock left online is announced out of stock."""
    showcase.product.stockrecords.update(num_in_stock=0)
    html = get(client, showcase.product.get_absolute_url())
    offer = of_type(html, "Product")["offers"]
    assert offer["availability"] == "https://schema.org/OutOfStock"


def test_staff_text_cannot_close_the_json_ld_script(client, showcase):
    """A title with </script> stays inside the JSON-LD block and still parses."""
    showcase.product.title_fr = "Miel </script><script>alert(1)</script>"
    showcase.product.save()
    html = get(client, showcase.product.get_absolute_url())
    assert "<script>alert(1)" not in html
    assert of_type(html, "Product")["name"] == showcase.product.title_fr


def test_category_page_head(client, showcase):
    """A category page is titled and described in the shopper's language."""
    for code, name in (("fr", "Huiles"), ("ar", "زيوت"), ("en", "Oils")):
        with translation.override(code):
            url = showcase.category.get_absolute_url()
            html = get(client, url)
        assert name in title(html)
        assert meta(html, "description")
        assert canonical(html) == BASE + url
        assert set(head_links(html)) == {"fr", "ar", "en", "x-default"}
        crumbs = of_type(html, "BreadcrumbList")["itemListElement"]
        assert crumbs[-1]["name"] == name


def test_filtered_and_sorted_listings_point_to_the_plain_page(client, showcase):
    """Sort orders and filters are the same page for search engines; pages stay."""
    url = reverse("catalogue:index")
    html = get(client, f"{url}?sort_by=price-desc&page=1")
    assert canonical(html) == BASE + url


def test_home_page_announces_the_shop_and_its_search(client, showcase):
    """The home page describes the organisation and how to search the shop."""
    html = get(client, showcase.home.url)
    assert title(html).startswith("Terroir du Maroc")
    assert meta(html, "description")
    organization = of_type(html, "Organization")
    assert organization["name"] == "Terroir du Maroc"
    website = of_type(html, "WebSite")
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == (
        BASE + reverse("search:search") + "?q={search_term_string}"
    )
    assert action["query-input"] == "required name=search_term_string"


def test_wagtail_page_announces_only_its_published_translations(client, showcase):
    """A page translated into Arabic only announces fr and ar; an untranslated
    article announces no alternates at all but its own language."""
    page = showcase.cooperative_page
    html = get(client, page.url)
    assert head_links(html) == {
        "fr": BASE + page.url,
        "ar": BASE + showcase.ar["cooperative_page"].url,
        "x-default": BASE + page.url,
    }
    arabic = get(client, showcase.ar["cooperative_page"].url)
    assert canonical(arabic) == BASE + showcase.ar["cooperative_page"].url
    assert head_links(arabic) == head_links(html)

    article = get(client, showcase.article.url)
    assert head_links(article) == {
        "fr": BASE + showcase.article.url,
        "x-default": BASE + showcase.article.url,
    }


def test_wagtail_pages_use_their_seo_title_and_search_description(client, showcase):
    """Editors' SEO title and search description are what search engines show."""
    page = showcase.article
    page.seo_title = "Le vrai safran, en quatre indices"
    page.search_description = "Reconnaître un safran pur sans laboratoire."
    page.save_revision().publish()
    html = get(client, page.url)
    assert title(html).startswith("Le vrai safran, en quatre indices | ")
    assert meta(html, "description") == "Reconnaître un safran pur sans laboratoire."
    assert meta(html, "og:type") == "article"
    assert of_type(html, "Article")["headline"] == page.title


def test_pages_without_search_description_fall_back_to_their_introduction(
    client, showcase
):
    """Pages with no search description are described by their introduction."""
    html = get(client, showcase.store_page.url)
    assert meta(html, "description") == "Au cœur de Casablanca."
    store = of_type(html, "Store")
    assert store["address"]["addressLocality"] == "Casablanca"
    assert len(store["openingHoursSpecification"]) == 7
    crumbs = of_type(html, "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == [
        "Terroir du Maroc",
        "Nos boutiques",
        "Boutique de Casablanca",
    ]


def test_search_results_and_basket_are_not_indexed(client, showcase):
    """Search results and the basket ask search engines not to index them, and
    announce no canonical or alternates."""
    for url in (reverse("search:search") + "?q=safran", reverse("basket:summary")):
        html = get(client, url)
        assert meta(html, "robots") == "noindex, follow"
        assert title(html)
        assert meta(html, "description")
        assert 'rel="canonical"' not in html
        assert not head_links(html)
        assert not json_ld(html)


def test_shop_pages_are_indexable(client, showcase):
    """Product, category and showcase pages carry no noindex."""
    for url in (
        showcase.product.get_absolute_url(),
        showcase.category.get_absolute_url(),
        showcase.home.url,
    ):
        assert 'name="robots"' not in get(client, url)


def test_cached_pages_keep_each_languages_canonical(client, showcase, settings):
    """With whole-page caching on, each language's page keeps its own canonical."""
    settings.PAGE_CACHE_SECONDS = 60
    for _ in range(2):
        for code in ("fr", "ar", "en"):
            url = url_in(code, showcase.product)
            assert canonical(get(client, url)) == BASE + url


def test_missing_page_announces_no_canonical(client, showcase):
    """A 404 page is not indexed and claims no canonical or alternates."""
    response = client.get("/fr/shop/catalogue/nothing_999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'rel="canonical"' not in html
    assert not head_links(html)


def test_product_head_reads_in_the_active_language(client, showcase):
    """The Arabic page's title, description and JSON-LD are the Arabic texts."""
    product = showcase.product
    product.title_ar = "زعفران تالوين 1 غ"
    product.description_ar = "<p>زعفران من <b>تالوين</b>.</p>"
    product.description_fr = "<p>Safran de Taliouine.</p>"
    product.save()
    html = get(client, url_in("ar", product))
    assert title(html).startswith("زعفران تالوين 1 غ | ")
    assert meta(html, "description") == "زعفران من تالوين."
    assert of_type(html, "Product")["name"] == "زعفران تالوين 1 غ"
    assert of_type(html, "Product")["description"] == "زعفران من تالوين."
    assert meta(html, "og:locale") == "ar_MA"
    french = get(client, url_in("fr", product))
    assert meta(french, "description") == "Safran de Taliouine."
