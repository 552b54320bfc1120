"""Shoppers find the right products first: typos, synonyms, Arabic, accents."""

import pytest
from oscar.apps.catalogue.categories import create_from_breadcrumbs

from search import services
from search.documents import title_head
from search.queries import ProductQuery, product_search, product_suggestions
from tests.factories import ProductFactory

RELEVANCE_CASES = [
    ("huile argan", "Huile d'argane"),
    ("huile d'argane", "Huile d'argane"),
    ("argane", "Huile d'argane"),
    ("argan oil", "Huile d'argane"),
    ("safran", "Safran de Taliouine"),
    ("safarn", "Safran de Taliouine"),
    ("saffron", "Safran de Taliouine"),
    ("amlu", "Amlou aux amandes et miel"),
    ("amlou", "Amlou aux amandes et miel"),
    ("زيت الأركان", "Huile d'argane"),
    ("الزعفران", "Safran de Taliouine"),
    ("miel bio", "Miel d'euphorbe Tadla-Azilal"),
    ("kelaat", "Eau de rose de Kelâat M'Gouna"),
    ("KELÂAT m'gouna", "Eau de rose de Kelâat M'Gouna"),
    ("fès", "Couscous beldi à l'orge"),
    ("fes couscous", "Couscous beldi à l'orge"),
    ("dates majhoul", "Dattes Majhoul de Tafilalet"),
    ("datte medjool", "Dattes Majhoul de Tafilalet"),
    ("fromage chevre", "Fromage de chèvre de Chefchaouen"),
    ("clementine", "Clémentines de Berkane"),
    ("huile olive", "Huile d'olive vierge extra Tyout-Chiadma"),
    ("Taliouine safran aop", "Safran de Taliouine"),
]


@pytest.mark.parametrize(("text", "expected_start"), RELEVANCE_CASES)
def test_top_result(indexed_catalogue, text, expected_start):
    """The product a shopper means comes first for this query."""
    results = product_search(query=ProductQuery(text=text, with_facets=False))
    assert results.hits, f"no result for {text!r}"
    assert results.hits[0].title.startswith(expected_start), [
        h.title for h in results.hits
    ]


def test_all_argan_oils_and_nothing_else(indexed_catalogue):
    """'huile argan' lists both argan oils, not the olive oil or the soap."""
    results = product_search(query=ProductQuery(text="huile argan", with_facets=False))
    assert sorted(h.title for h in results.hits) == [
        "Huile d'argane alimentaire bio",
        "Huile d'argane cosmétique",
    ]


def test_expired_label_does_not_make_a_product_organic(indexed_catalogue):
    """'miel bio' skips thyme honey, whose organic certificate expired yesterday."""
    results = product_search(query=ProductQuery(text="miel bio", with_facets=False))
    titles = [h.title for h in results.hits]
    assert "Miel de thym" not in titles
    assert "Miel d'euphorbe Tadla-Azilal" in titles


def test_matches_are_highlighted_and_escaped(indexed_catalogue):
    """Matched words are wrapped in <mark>; the apostrophe stays escaped text."""
    results = product_search(query=ProductQuery(text="argane", with_facets=False))
    assert "<mark>d&#x27;argane</mark>" in results.hits[0].highlight


def test_no_results_offers_a_spelling_suggestion(indexed_catalogue):
    """A query with no match, not even on most of its words, suggests the
    closest known words."""
    results = product_search(
        query=ProductQuery(text="dattez xqzj wvkp", with_facets=False)
    )
    assert results.total == 0
    assert results.suggestion


def test_product_suggestions_match_title_word_starts(indexed_catalogue):
    """Typing 'saf' suggests saffron; "huile d'ar" both argan oils, nothing else."""
    labels = {
        text: [s.label for s in product_suggestions(text=text)]
        for text in ("saf", "huile d'ar")
    }
    assert "Safran de Taliouine" in labels["saf"]
    assert set(labels["huile d'ar"]) == {
        "Huile d'argane alimentaire bio",
        "Huile d'argane cosmétique",
    }


def test_product_suggestions_fold_accents(indexed_catalogue):
    """'kela' finds the Kelâat rose water."""
    labels = [s.label for s in product_suggestions(text="kela")]
    assert labels == ["Eau de rose de Kelâat M'Gouna"]


def test_sort_by_price_and_newest(indexed_catalogue):
    """Prices go up or down on request (the 35 MAD soap first, the 180 MAD
    argan oil last); "newest" puts the latest product first."""
    up = product_search(
        query=ProductQuery(text="huile", sort="price-asc", with_facets=False)
    )
    down = product_search(
        query=ProductQuery(text="huile", sort="price-desc", with_facets=False)
    )
    newest = product_search(query=ProductQuery(sort="newest", with_facets=False))
    assert [h.title for h in up.hits][0] == "Savon noir à l'huile d'olive"
    assert [h.title for h in down.hits][0] == "Huile d'argane alimentaire bio"
    assert [h.title for h in down.hits] == list(reversed([h.title for h in up.hits]))
    assert newest.hits[0].title == "Safran de Taliouine"


def test_pagination_and_out_of_range_page(indexed_catalogue):
    """Pages split the catalogue; a page past the end shows the last page."""
    first = product_search(query=ProductQuery(per_page=6, page=1, with_facets=False))
    third = product_search(query=ProductQuery(per_page=6, page=3, with_facets=False))
    beyond = product_search(query=ProductQuery(per_page=6, page=99, with_facets=False))
    assert first.total == 15
    assert first.num_pages == 3
    assert len(first.hits) == 6
    assert len(third.hits) == 3
    assert beyond.page == 3
    assert beyond.product_ids == third.product_ids
    assert not set(first.product_ids) & set(third.product_ids)


def test_arabic_spelling_variants_meet(db, committed):
    """Hamza, short vowels, tatweel, alef maqsura and teh marbuta are written
    either way: an Arabic title is found and suggested whichever the shopper types."""
    services.index_rebuild()
    committed(lambda: ProductFactory(title="أملو بالعسل من آيت باها"))
    for typed in ("أملو", "املو", "امـلو", "عَسَل", "ايت باها"):
        found = product_search(query=ProductQuery(text=typed, with_facets=False))
        assert [h.title for h in found.hits] == ["أملو بالعسل من آيت باها"], typed
    for prefix in ("امل", "أمل", "آيت", "اي"):
        labels = [s.label for s in product_suggestions(text=prefix)]
        assert labels == ["أملو بالعسل من آيت باها"], prefix


def test_products_named_by_the_query_come_first(catalogue, committed):
    """'safran' (and 'safarn') lists the saffron before a tea that merely contains
    some, whose title is as short and newer; so does the list under the search
    box as soon as 'saf' is typed."""
    committed(
        lambda: ProductFactory(
            title="Thé au safran",
            cooperative=catalogue["cooperatives"]["taliouine"],
            categories=[create_from_breadcrumbs("Épices")],
        )
    )
    for typed in ("safran", "safarn"):
        found = product_search(query=ProductQuery(text=typed, with_facets=False))
        titles = [hit.title for hit in found.hits]
        assert titles == ["Safran de Taliouine", "Thé au safran"], typed
    suggested = [s.label for s in product_suggestions(text="saf")]
    assert suggested == ["Safran de Taliouine", "Thé au safran"]


@pytest.mark.parametrize(
    ("title", "head"),
    [
        ("Thé vert au safran 100 g", "Thé vert"),
        ("Huile d'argane alimentaire bio", "Huile"),
        ("Savon noir à l'huile d'olive", "Savon noir"),
        ("Dattes Majhoul de Tafilalet", "Dattes Majhoul"),
        ("Eau de rose de Kelâat M'Gouna", "Eau"),
    ],
)
def test_the_naming_words_of_a_title(title, head):
    """The words that say what a product is end at the first linking word."""
    assert title_head(title) == head


def test_a_query_no_product_matches_whole_falls_back_to_most_words(db, committed):
    """No honey is organic: "miel bio" lists the honeys (most of the words),
    and says so, rather than nothing; the full search page tells the shopper."""
    services.index_rebuild()
    committed(lambda: ProductFactory(title="Miel de thym 250 g"))
    committed(lambda: ProductFactory(title="Miel d'euphorbe 500 g"))
    committed(lambda: ProductFactory(title="Savon noir à l'eucalyptus"))
    found = product_search(query=ProductQuery(text="miel bio", with_facets=False))
    assert sorted(hit.title for hit in found.hits) == [
        "Miel d'euphorbe 500 g",
        "Miel de thym 250 g",
    ]
    assert found.partial
    suggested = sorted(s.label for s in product_suggestions(text="miel bio"))
    assert suggested == ["Miel d'euphorbe 500 g", "Miel de thym 250 g"]
    exact = product_search(query=ProductQuery(text="miel thym", with_facets=False))
    assert [hit.title for hit in exact.hits] == ["Miel de thym 250 g"]
    assert not exact.partial
