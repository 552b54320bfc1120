"""Autocomplete: products from the engine, cooperatives and categories from the
database, answers cached per prefix until the catalogue changes."""

import pytest
from django.test import override_settings

from search import local_engine
from search.indexing import indexing_paused
from tests.factories import CooperativeFactory, ProductFactory

pytestmark = pytest.mark.django_db

AUTOCOMPLETE_URL = "/fr/shop/search/autocomplete/"


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
