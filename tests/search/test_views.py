"""Search and category pages: facets, sorting, bad input, query counts."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from search import local_engine

pytestmark = pytest.mark.django_db

SEARCH_URL = "/fr/shop/search/"


def _page(client, params, url=SEARCH_URL):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _facet(response, name):
    return {
        v.key: v
        for v in next(
            f for f in response.context["results"].facets if f.name == name
        ).values
    }


def test_search_page_lists_matches_with_highlight(client, catalogue):
    """Searching 'argane' shows both argan oils, highlighted, and their price."""
    html = _page(client, {"q": "argane"})
    assert "2 products" in html or "2 produits" in html
    assert "<mark>d&#x27;argane</mark>" in html
    assert "Coopérative Tifaout" in html
    assert "Miel de thym" not in html


def test_facet_counts_and_multi_select(client, catalogue):
    """Choosing two regions ORs them, and region counts ignore the region choice."""
    response = client.get(SEARCH_URL, {"region": ["souss-massa"]})
    regions = _facet(response, "region")
    assert regions["souss-massa"].count == 5
    assert regions["souss-massa"].selected
    assert regions["draa-tafilalet"].count == 2  # still offered while unselected
    assert response.context["results"].total == 5
    both = client.get(SEARCH_URL, {"region": ["souss-massa", "draa-tafilalet"]})
    assert both.context["results"].total == 7
    assert "region=souss-massa" in _facet(both, "region")["draa-tafilalet"].url


def test_label_facet_counts_only_valid_certifications(client, catalogue):
    """The organic label counts euphorbia honey and argan oil, not expired thyme."""
    response = client.get(SEARCH_URL, {"q": "miel"})
    labels = _facet(response, "label")
    assert labels["organic"].count == 1
    filtered = client.get(SEARCH_URL, {"label": "organic"})
    titles = {p.title for p, _hit in filtered.context["rows"]}
    assert titles == {"Huile d'argane alimentaire bio", "Miel d'euphorbe Tadla-Azilal"}


def test_price_stock_and_cold_chain_filters(client, catalogue):
    """Price bounds, 'in stock' and 'refrigerated' narrow the list."""
    cheap = client.get(SEARCH_URL, {"price_max": "45"})
    assert {p.title for p, _ in cheap.context["rows"]} == {
        "Couscous beldi à l'orge",
        "Savon noir à l'huile d'olive",
        "Clémentines de Berkane",
        "Figues de Barbarie d'Aït Baâmrane",
    }
    in_stock = client.get(SEARCH_URL, {"price_max": "45", "in_stock": "1"})
    assert "Couscous beldi à l'orge" not in {
        p.title for p, _ in in_stock.context["rows"]
    }
    cold = client.get(SEARCH_URL, {"cold_chain": "1"})
    assert cold.context["results"].total == 3
    assert _facet(cold, "cold_chain")["0"].count == 12


def test_category_page_lists_its_subtree_with_facets(client, catalogue):
    """The 'Huiles' page lists food argan and olive oils (its subcategories), not
    the cosmetic argan oil filed elsewhere, with its subcategories as facets."""
    from oscar.core.loading import get_model

    oils = get_model("catalogue", "Category").objects.get(name="Huiles", depth=1)
    response = client.get(oils.get_absolute_url())
    titles = {p.title for p, _ in response.context["rows"]}
    assert titles == {
        "Huile d'argane alimentaire bio",
        "Huile d'olive vierge extra Tyout-Chiadma",
    }
    assert set(_facet(response, "category")) == {str(c.pk) for c in oils.get_children()}
    assert "Huiles" in response.content.decode()


def test_catalogue_page_sorted_by_price(client, catalogue):
    """'All products' sorted by price, low to high, starts with the clementines."""
    response = client.get(reverse("catalogue:index"), {"sort": "price-asc"})
    assert response.context["rows"][0][0].title == "Clémentines de Berkane"
    assert response.context["results"].total == 15


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "What are you looking for?"),
        ({"q": "   "}, "What are you looking for?"),
        ({"q": "?!… ###"}, "Type a word or a product name to search."),
        ({"q": "😀🍯"}, "Type a word or a product name to search."),
        (
            {"q": "argan " * 200},
            "Your search was shortened to its first 200 characters.",
        ),
        (
            {"q": "miel", "price_min": "-5"},
            "Enter prices as positive amounts in dirhams.",
        ),
        (
            {"q": "miel", "price_max": "abc"},
            "Enter prices as positive amounts in dirhams.",
        ),
        (
            {"q": "miel", "price_min": "NaN"},
            "Enter prices as positive amounts in dirhams.",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(client, catalogue, params, message):
    """Odd queries render a normal page with a message, never an error."""
    assert message in _page(client, {**params, "lang": "en"}, url="/en/shop/search/")


@pytest.mark.parametrize(
    "params",
    [
        {"q": "miel", "region": "atlantis", "label": "gold", "category": "abc"},
        {"q": "miel", "cooperative": "99999999999999", "cold_chain": "maybe"},
        {"q": "miel", "page": "0"},
        {"q": "miel", "page": "-3"},
        {"q": "miel", "page": "²"},
        {"q": "miel", "page": "999999999999"},
        {"q": "miel", "sort": "DROP TABLE"},
        {"q": "miel", "price_min": "500", "price_max": "100"},
        {"q": "title:(miel OR *) AND {{}} \\ \x00"},
    ],
)
def test_unknown_values_are_ignored(client, catalogue, params):
    """Unknown facet values, odd pages and sorts still list the honeys."""
    html = _page(client, params)
    assert (
        "Miel d&#x27;euphorbe Tadla-Azilal" in html
        or "No products match" in html
        or "Aucun" in html
    )


def test_query_count_does_not_grow_with_results(
    client, catalogue, django_assert_max_num_queries
):
    """A page of 2 and a page of 15 products cost the same number of queries."""
    few_url, many_url = f"{SEARCH_URL}?q=argane", reverse("catalogue:index")
    # Warm up: the first render of a thumbnail stores it (a one-off cost).
    client.get(few_url)
    client.get(many_url)
    with django_assert_max_num_queries(20) as few:
        client.get(few_url)
    with django_assert_max_num_queries(20) as many:
        client.get(many_url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_autocomplete_endpoint(client, catalogue):
    """The JSON endpoint answers with grouped suggestions and a 'search for' line."""
    data = client.get(reverse("search:autocomplete"), {"q": "saf"}).json()
    labels = [item["label"] for item in data["results"]]
    assert "Safran de Taliouine" in labels
    assert data["results"][-1]["kind"] == "search"
    assert (
        client.get(reverse("search:autocomplete"), {"q": "😀"}).json()["results"] == []
    )


def test_a_degraded_page_is_not_kept_in_the_page_cache(client, catalogue, settings):
    """While the engine is down, the fallback page is served but never cached: the
    next visitor after the outage gets facets again, not the simplified page."""
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    engine_url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{local_engine.free_port()}"
    down = client.get(SEARCH_URL, {"q": "argane"})
    assert "private" in down["Cache-Control"]
    suggestions = client.get(reverse("search:autocomplete"), {"q": "saf"})
    assert suggestions.json()["degraded"] is True
    assert "private" in suggestions["Cache-Control"]

    settings.ELASTICSEARCH_URL = engine_url
    back = client.get(SEARCH_URL, {"q": "argane"})
    assert "<mark>d&#x27;argane</mark>" in back.content.decode()
    assert back.context["results"].facets
    labels = [
        item["label"]
        for item in client.get(reverse("search:autocomplete"), {"q": "saf"}).json()[
            "results"
        ]
    ]
    assert "Safran de Taliouine" in labels
    cache.clear()


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_home_links_keep_the_shoppers_language(client, catalogue, language):
    """The breadcrumb's home link and the shop root lead to the home page in the
    language being read, whatever the browser prefers."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en" if language != "en" else "fr"
    response = client.get(f"/{language}/shop/search/", {"q": "argane"})
    assert response.context["homepage_url"] == f"/{language}/"
    assert f'<a href="/{language}/">' in response.content.decode()
    assert client.get(f"/{language}/shop/")["Location"] == f"/{language}/"


def test_a_partial_match_is_said_on_the_page(client, catalogue):
    """ "miel thym bio": no product has all three words; the page lists the
    thyme honey and says it matches only some of them."""
    response = client.get(SEARCH_URL, {"q": "miel thym bio"})
    html = response.content.decode()
    assert "Miel de thym" in [hit.title for hit in response.context["results"].hits]
    assert "Aucun produit ne contient tous les mots de votre recherche" in html
    exact = _page(client, {"q": "miel thym"})
    assert "Aucun produit ne contient tous les mots" not in exact
