"""Arabic and English shoppers search, complete and read titles in their language."""

import pytest
from django.urls import reverse
from django.utils import translation

from search import services
from search.indexing import indexing_paused

TRANSLATIONS = {
    "Huile d'argane alimentaire bio": {
        "title_ar": "زيت الأركان الغذائي العضوي",
        "title_en": "Organic culinary argan oil",
    },
    "Safran de Taliouine": {
        "title_ar": "زعفران تالوين",
        "title_en": "Taliouine saffron",
    },
    "Huile d'olive vierge extra Tyout-Chiadma": {
        "title_ar": "زيت الزيتون البكر الممتاز تيوت-الشياظمة",
        "title_en": "Tyout-Chiadma extra virgin olive oil",
    },
}


@pytest.fixture
def translated(catalogue):
    """The test catalogue with three products translated (the others are not)."""
    with indexing_paused():
        for title, texts in TRANSLATIONS.items():
            product = catalogue["products"][title]
            for column, text in texts.items():
                setattr(product, column, text)
            product.save()
    services.index_rebuild()
    return catalogue


def _autocomplete(client, language, text):
    with translation.override(language):
        url = reverse("search:autocomplete")
    data = client.get(url, {"q": text}).json()
    return [item["label"] for item in data["results"] if item["kind"] == "product"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("زيت", "زيت الأركان الغذائي العضوي"),
        ("أركان", "زيت الأركان الغذائي العضوي"),
        ("الأركان", "زيت الأركان الغذائي العضوي"),
        ("زعفران", "زعفران تالوين"),
        ("زعف", "زعفران تالوين"),
    ],
)
def test_arabic_autocomplete_suggests_arabic_titles(
    client, translated, typed, expected
):
    """On /ar/, the header box completes زيت, أركان, زعفران with Arabic titles."""
    assert expected in _autocomplete(client, "ar", typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("argan", "Organic culinary argan oil"),
        ("saffron", "Taliouine saffron"),
        ("saff", "Taliouine saffron"),
        ("olive oil", "Tyout-Chiadma extra virgin olive oil"),
    ],
)
def test_english_autocomplete_suggests_english_titles(
    client, translated, typed, expected
):
    """On /en/, "argan" and "saffron" complete with English titles."""
    assert expected in _autocomplete(client, "en", typed)


def test_an_untranslated_product_completes_in_french(client, translated):
    """A product without an English title still completes, under its French one."""
    assert "Huile d'argane cosmétique" in _autocomplete(client, "en", "argan")


def test_french_autocomplete_is_unchanged(client, translated):
    """French shoppers get the French titles, not the translations."""
    labels = _autocomplete(client, "fr", "saf")
    assert "Safran de Taliouine" in labels
    assert "Taliouine saffron" not in labels


@pytest.mark.parametrize(
    ("language", "text", "title"),
    [
        ("ar", "زعفران", "زعفران تالوين"),
        ("ar", "زيت الزيتون", "زيت الزيتون البكر الممتاز تيوت-الشياظمة"),
        ("en", "saffron", "Taliouine saffron"),
        ("en", "olive oil", "Tyout-Chiadma extra virgin olive oil"),
    ],
)
def test_search_page_finds_and_shows_the_shoppers_language(
    client, translated, language, text, title
):
    """The search page finds products by their translated title and shows it,
    highlighted, on the cards."""
    response = client.get(f"/{language}/shop/search/", {"q": text})
    assert response.status_code == 200
    hits = response.context["results"].hits
    assert title in [hit.title for hit in hits]
    html = response.content.decode()
    assert "<mark>" in html
    assert title.split()[0] in html


def test_each_language_keeps_its_own_listing_answer(client, translated, settings):
    """A search answered in French is not served to the English page from the
    cache: each language has its titles."""
    settings.PAGE_CACHE_SECONDS = 60
    client.cookies["sessionid"] = "a-shopper-session"
    french = client.get("/fr/shop/search/", {"q": "safran"}).context["results"]
    english = client.get("/en/shop/search/", {"q": "safran"}).context["results"]
    assert [hit.title for hit in french.hits] == ["Safran de Taliouine"]
    assert [hit.title for hit in english.hits] == ["Taliouine saffron"]
