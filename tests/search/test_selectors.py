"""Listings answered from the cache until the catalogue changes, whoever asks;
autocomplete: products from the engine, cooperatives and categories from the
database, answers cached per prefix until the catalogue changes."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from search import local_engine
from search.indexing import indexing_paused
from tests.factories import CooperativeFactory, ProductFactory

pytestmark = pytest.mark.django_db

AUTOCOMPLETE_URL = "/fr/shop/search/autocomplete/"
SEARCH_URL = "/fr/shop/search/"


def _suggest(client, text: str) -> dict:
    response = client.get(AUTOCOMPLETE_URL, {"q": text})
    assert response.status_code == 200
    return response.json()


def _labels(client, text: str, kind: str) -> list[str]:
    return [
        item["label"]
        for item in _suggest(client, text)["results"]
        if item["kind"] == kind
    ]


def _down_engine_url() -> str:
    return f"http://127.0.0.1:{local_engine.free_port()}"


@pytest.fixture
def shopper(client, catalogue, settings):
    """A shopper with a session cookie, pages rendered (not served from the
    page cache): what is measured is the engine's answers being kept."""
    settings.PAGE_CACHE_SECONDS = 0
    client.cookies["sessionid"] = "a-shopper-session"
    return client


def _listing(client, params, url=SEARCH_URL):
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    results = response.context["results"]
    return {
        "titles": [product.title for product, _hit in response.context["rows"]],
        "total": results.total,
        "facets": {f.name: {v.key: v.count for v in f.values} for f in results.facets},
        "degraded": results.degraded or "search-notice--degraded" in html,
        "html": html,
    }


def test_a_listing_asked_again_is_answered_without_the_engine(shopper, catalogue):
    """The second identical search, and the second view of a category page, need
    no engine: with it stopped they still show highlights, facets and counts."""
    oils = catalogue["products"]["Huile d'argane alimentaire bio"].categories.get()
    pages = [
        (SEARCH_URL, {"q": "argane", "sort": "price-asc"}),
        (oils.get_absolute_url(), {}),
    ]
    first = [_listing(shopper, params, url) for url, params in pages]
    with override_settings(ELASTICSEARCH_URL=_down_engine_url()):
        again = [_listing(shopper, params, url) for url, params in pages]
    for before, after in zip(first, again, strict=True):
        assert not after["degraded"]
        assert after["titles"] == before["titles"]
        assert after["facets"] == before["facets"]
        assert after["facets"]["region"]
    assert again[0]["titles"] == [
        "Huile d'argane cosmétique",
        "Huile d'argane alimentaire bio",
    ]
    assert "<mark>d&#x27;argane</mark>" in again[0]["html"]


def test_the_same_words_in_another_case_share_the_answer(shopper):
    """'ARGANE' is answered like 'argane' (the engine ignores case)."""
    first = _listing(shopper, {"q": "argane"})
    with override_settings(ELASTICSEARCH_URL=_down_engine_url()):
        again = _listing(shopper, {"q": "ARGANE"})
    assert not again["degraded"]
    assert again["titles"] == first["titles"]


def test_english_facets_are_labelled_in_english(shopper):
    """The English page's facets are labelled in English."""
    response = shopper.get("/en/shop/search/", {"q": "argane"})
    results = response.context["results"]
    assert not results.degraded
    assert "Quality label" in [str(facet.label) for facet in results.facets]


def test_price_stock_and_title_changes_show_on_the_next_listing(
    shopper, catalogue, django_capture_on_commit_callbacks
):
    """After a sync, the next listing shows the new title, price and stock."""
    amlou = catalogue["products"]["Amlou aux amandes et miel"]
    in_stock = {"q": "amlou", "in_stock": "1"}
    assert _listing(shopper, in_stock)["titles"] == ["Amlou aux amandes et miel"]
    assert _listing(shopper, {"q": "amlou"})["facets"]["price"] == {"50-100": 1}
    assert "Amlou aux amandes et miel" in _listing(shopper, {"q": "miel"})["titles"]
    with django_capture_on_commit_callbacks(execute=True):
        record = amlou.stockrecords.get()
        record.price = Decimal("42.00")
        record.num_in_stock = 0
        record.save()
        amlou.title = "Amlou beldi aux amandes"
        amlou.save()
    assert _listing(shopper, in_stock)["titles"] == []
    assert _listing(shopper, {"q": "amlou"})["facets"]["price"] == {"-50": 1}
    honey = _listing(shopper, {"q": "miel"})["titles"]
    assert "Amlou beldi aux amandes" not in honey
    assert "Miel de thym" in honey
    beldi = _listing(shopper, {"q": "beldi"})
    assert "Amlou <mark>beldi</mark> aux amandes" in beldi["html"]


def test_while_one_request_asks_the_engine_after_a_change_others_get_the_last_answer(
    shopper, catalogue, monkeypatch, django_capture_on_commit_callbacks
):
    """After a change only one request asks the engine again; a shopper arriving
    meanwhile gets the previous answer (here: engine down, yet no fallback page)."""
    amlou = catalogue["products"]["Amlou aux amandes et miel"]
    assert _listing(shopper, {"q": "amlou"})["facets"]["price"] == {"50-100": 1}
    with django_capture_on_commit_callbacks(execute=True):
        record = amlou.stockrecords.get()
        record.price = Decimal("42.00")
        record.save()
    real_add = cache.add
    asking_elsewhere = True

    def add(key, *args, **kwargs):
        if asking_elsewhere and key.endswith(":refreshing"):
            return False
        return real_add(key, *args, **kwargs)

    monkeypatch.setattr(cache, "add", add)
    with override_settings(ELASTICSEARCH_URL=_down_engine_url()):
        meanwhile = _listing(shopper, {"q": "amlou"})
    asking_elsewhere = False
    afterwards = _listing(shopper, {"q": "amlou"})

    assert not meanwhile["degraded"]
    assert meanwhile["facets"]["price"] == {"50-100": 1}
    assert afterwards["facets"]["price"] == {"-50": 1}


def test_other_filters_sorts_and_pages_get_their_own_answers(shopper, settings):
    """Each sort, page and filter is answered for itself, never from another's."""
    settings.OSCAR_PRODUCTS_PER_PAGE = 6
    url = reverse("catalogue:index")
    cheapest = _listing(shopper, {"sort": "price-asc"}, url)
    assert cheapest["titles"][0] == "Clémentines de Berkane"
    assert _listing(shopper, {"sort": "price-desc"}, url)["titles"][0] == (
        "Safran de Taliouine"
    )
    second = _listing(shopper, {"sort": "price-asc", "page": "2"}, url)
    assert second["titles"]
    assert not set(second["titles"]) & set(cheapest["titles"])
    cold = _listing(shopper, {"sort": "price-asc", "cold_chain": "1"}, url)
    assert cold["total"] == 3
    assert cold["titles"] == [
        "Clémentines de Berkane",
        "Figues de Barbarie d'Aït Baâmrane",
        "Fromage de chèvre de Chefchaouen",
    ]
    settings.OSCAR_PRODUCTS_PER_PAGE = 20
    assert _listing(shopper, {"sort": "price-asc"}, url)["total"] == 15
    assert len(_listing(shopper, {"sort": "price-asc"}, url)["titles"]) == 15


def test_a_degraded_listing_is_not_kept(shopper):
    """A listing answered from the database while the engine is down is not
    reused: once the engine is back, the same search shows facets again."""
    with override_settings(ELASTICSEARCH_URL=_down_engine_url()):
        down = _listing(shopper, {"q": "argane"})
    assert down["degraded"]
    assert down["facets"] == {}
    back = _listing(shopper, {"q": "argane"})
    assert not back["degraded"]
    assert back["facets"]["region"] == {"souss-massa": 2}


@pytest.mark.parametrize(
    "kind", ["nothing found", "long text", "many filters", "deep page"]
)
def test_unusual_listings_are_asked_of_the_engine_each_time(
    shopper, catalogue, settings, kind
):
    """Searches that find nothing (random text would flood the cache), very long
    texts, piles of filters and deep pages are not stored: asked again with the
    engine down, they get the fallback page."""
    settings.OSCAR_PRODUCTS_PER_PAGE = 1
    params = {
        "nothing found": {"q": "zzqx"},
        "long text": {"q": " ".join(["huile argane bio"] * 5)},
        "many filters": {
            "q": "miel",
            "cooperative": [str(c.pk) for c in catalogue["cooperatives"].values()],
        },
        "deep page": {"q": "de", "page": "11"},
    }[kind]
    first = _listing(shopper, params)
    assert bool(first["titles"]) == (kind != "nothing found")
    with override_settings(ELASTICSEARCH_URL=_down_engine_url()):
        assert _listing(shopper, params)["degraded"]


def test_products_cooperatives_and_categories_are_suggested(client, catalogue):
    """'saf' suggests saffron; 'tifa' a cooperative; 'fromag' a category, each
    linking to its page."""
    assert "Safran de Taliouine" in _labels(client, "saf", "product")
    assert _labels(client, "tifa", "cooperative") == ["Coopérative Tifaout"]
    cooperative = catalogue["cooperatives"]["tifaout"]
    [item] = [i for i in _suggest(client, "tifa")["results"] if i["kind"] != "search"]
    assert item["url"] == f"/fr/shop/search/?cooperative={cooperative.pk}"
    [category] = [
        i for i in _suggest(client, "fromag")["results"] if i["kind"] == "category"
    ]
    assert category["label"] == "Fromages"
    assert client.get(category["url"]).status_code == 200


def test_names_match_whatever_the_case_and_accents(client, catalogue):
    """'EPICES' finds the Épices category, 'ward dades' the Ward Dadès cooperative:
    a later word of a name works as well as the first."""
    assert _labels(client, "EPICES", "category") == ["Épices"]
    assert _labels(client, "épic", "category") == ["Épicerie", "Épices"]
    assert _labels(client, "ward dades", "cooperative") == ["Coopérative Ward Dadès"]
    assert _labels(client, "coopérative tif", "cooperative") == ["Coopérative Tifaout"]
    assert _labels(client, "HUIL", "category") == ["Huiles"]  # a parent category


def test_names_are_matched_from_word_starts_only(client, catalogue):
    """'raka' is inside "Al Baraka" but starts no word: no cooperative."""
    assert _labels(client, "bara", "cooperative") == ["Coopérative Al Baraka Fès"]
    assert _labels(client, "raka", "cooperative") == []


def test_categories_without_products_are_not_suggested(client, catalogue):
    """A category with nothing to show leads nowhere, so it is not offered."""
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    create_from_breadcrumbs("Fromages/Fromages frais")
    assert _labels(client, "fromage", "category") == ["Fromages"]


def test_arabic_names_match_without_hamza_or_diacritics(client, catalogue):
    """A shopper typing Arabic without hamza or vowel marks finds the cooperative."""
    with indexing_paused():
        cooperative = CooperativeFactory(name="تعاونية الأركان للنساء")
        ProductFactory(cooperative=cooperative, categories=None)
    expected = ["تعاونية الأركان للنساء"]
    assert _labels(client, "الاركان", "cooperative") == expected
    assert _labels(client, "تعاونيه الأر", "cooperative") == expected
    assert _labels(client, "الأَرْكان", "cooperative") == expected


def test_a_renamed_product_leaves_the_suggestions_at_once(
    client, catalogue, django_capture_on_commit_callbacks
):
    """After a rename, the old prefix no longer offers the product, the new one does."""
    saffron = catalogue["products"]["Safran de Taliouine"]
    assert "Safran de Taliouine" in _labels(client, "saf", "product")
    with django_capture_on_commit_callbacks(execute=True):
        saffron.title = "Crocus de Taliouine"
        saffron.save()
    assert "Safran de Taliouine" not in _labels(client, "saf", "product")
    assert _labels(client, "croc", "product") == ["Crocus de Taliouine"]


def test_a_hidden_product_and_its_cooperative_leave_the_suggestions(
    client, catalogue, django_capture_on_commit_callbacks
):
    """Hiding the Tafraout almonds removes them, and their cooperative (it has
    nothing else in search), from the suggestions."""
    almonds = catalogue["products"]["Amandes de Tafraout"]
    assert _labels(client, "tafra", "product") == ["Amandes de Tafraout"]
    assert _labels(client, "tafra", "cooperative") == ["Coopérative Ammeln Tafraout"]
    with django_capture_on_commit_callbacks(execute=True):
        almonds.is_public = False
        almonds.save()
    assert _labels(client, "tafra", "product") == []
    assert _labels(client, "tafra", "cooperative") == []


def test_a_renamed_cooperative_is_suggested_by_its_new_name(
    client, catalogue, django_capture_on_commit_callbacks
):
    """Cooperative names follow a rename on the next keystroke."""
    cooperative = catalogue["cooperatives"]["tifaout"]
    assert _labels(client, "tifa", "cooperative") == ["Coopérative Tifaout"]
    with django_capture_on_commit_callbacks(execute=True):
        cooperative.name = "Coopérative Tamount"
        cooperative.save()
    assert _labels(client, "tifa", "cooperative") == []
    assert _labels(client, "tamo", "cooperative") == ["Coopérative Tamount"]


def test_cooperatives_and_categories_are_offered_while_the_engine_is_down(
    client, catalogue
):
    """Without the engine there are no product suggestions, but cooperatives and
    categories still are, and the answer is flagged degraded (not cached)."""
    with override_settings(ELASTICSEARCH_URL=_down_engine_url()):
        data = _suggest(client, "saf")
    assert data["degraded"] is True
    assert [(item["kind"], item["label"]) for item in data["results"][:-1]] == [
        ("cooperative", "Coopérative Souktana du Safran")
    ]
    back = _suggest(client, "saf")
    assert back["degraded"] is False
    assert "Safran de Taliouine" in [item["label"] for item in back["results"]]


def test_a_prefix_typed_again_is_answered_from_the_cache(client, catalogue):
    """A prefix already answered costs neither the engine nor the database: the
    answer survives an engine outage until the catalogue changes."""
    first = _suggest(client, "huile d'ar")
    with override_settings(ELASTICSEARCH_URL=_down_engine_url()):
        again = client.get(AUTOCOMPLETE_URL, {"q": "Huile  D'ar"})
    assert again.json()["degraded"] is False
    assert again.json()["results"][:-1] == first["results"][:-1]


def test_new_prefixes_cost_no_query_once_names_are_loaded(
    client, catalogue, django_assert_num_queries
):
    """Cooperative and category names load once; later prefixes read no rows."""
    _suggest(client, "saf")
    with django_assert_num_queries(0):
        assert _labels(client, "miel", "category") == ["Miels"]
