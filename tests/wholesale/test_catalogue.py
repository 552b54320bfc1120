"""The wholesale catalogue: what a company's buyers see of each product, its
filters and search, and quick entry of "SKU packs" lines into a request."""

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs

from search import local_engine, services
from search.indexing import indexing_paused
from shop.wholesale import pricing
from shop.wholesale.models import PriceListItem, PriceTier, QuoteRequest
from tests.factories import (
    CooperativeFactory,
    ProductFactory,
    StockRecordFactory,
    WarehouseFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = Decimal
URL = "/en/wholesale/catalogue/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def plain(response) -> str:
    """The page's words, without markup."""
    return " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()
    )


def rows(response) -> dict[str, str]:
    """The table's rows as text, by SKU."""
    found = {}
    body = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    for row in re.findall(r"<tr>(.*?)</tr>", body[1] if body else "", re.S):
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        found[words.split()[0]] = words
    return found


def _product(title, sku, path, cooperative, warehouse, *, stock=40, **fields):
    product = ProductFactory(
        title=title,
        upc=sku,
        cooperative=cooperative,
        stockrecords=None,
        categories=None,
        **fields,
    )
    product.categories.add(create_from_breadcrumbs(path, separator="/"))
    StockRecordFactory(
        product=product,
        partner=warehouse,
        partner_sku=sku,
        num_in_stock=stock,
    )
    return product


@pytest.fixture
def shelf(db):
    """Three products in the index: argan oil with volume prices, saffron out
    of stock, fresh dates stocked only in an ambient warehouse."""
    tighanimine = CooperativeFactory(name="Coopérative Tighanimine", slug="tgh")
    taliouine = CooperativeFactory(name="Coopérative Taliouine", slug="tal")
    warehouse = WarehouseFactory(name="Entrepôt Agadir")
    with indexing_paused():
        argan = _product(
            "Huile d'argane alimentaire 250 ml",
            "ARGALI-TGH-250",
            "Huiles/Huile d'argane",
            tighanimine,
            warehouse,
            wholesale_pack_size=12,
            minimum_order_quantity=24,
        )
        for min_packs, price in ((1, "150.00"), (10, "140.00"), (50, "130.00")):
            PriceTier.objects.create(
                product=argan, min_packs=min_packs, unit_price=D(price)
            )
        saffron = _product(
            "Safran de Taliouine 1 g",
            "SAFRAN-TAL-1",
            "Épices",
            taliouine,
            warehouse,
            stock=0,
            wholesale_pack_size=10,
            minimum_order_quantity=10,
        )
        dates = _product(
            "Dattes Mejhoul 1 kg",
            "DATTES-MEJ-1",
            "Fruits secs",
            taliouine,
            warehouse,
            cold_chain=True,
            wholesale_pack_size=6,
            minimum_order_quantity=6,
        )
        hidden = _product(
            "Miel d'euphorbe", "MIEL-EUP-1", "Miels", taliouine, warehouse
        )
        hidden.is_public = False
        hidden.save()
    services.index_rebuild()
    return {
        "argan": argan,
        "saffron": saffron,
        "dates": dates,
        "tighanimine": tighanimine,
        "taliouine": taliouine,
        "warehouse": warehouse,
    }


def test_a_buyer_reads_pack_sizes_minimums_prices_and_stock(client, buyer, shelf):
    """Every orderable product is listed with its terms; unpublished ones are not."""
    client.force_login(buyer)
    response = client.get(URL)
    assert response.status_code == 200
    listed = rows(response)
    assert set(listed) == {"ARGALI-TGH-250", "SAFRAN-TAL-1", "DATTES-MEJ-1"}
    assert listed["ARGALI-TGH-250"] == (
        "ARGALI-TGH-250 Huile d'argane alimentaire 250 ml Coopérative Tighanimine "
        "12 units 2 packs 24 units 1–9 packs: MAD150.00 10–49 packs: MAD140.00 "
        "50 packs and more: MAD130.00 In stock Request a quote"
    )
    assert "On request Sourced on request" in listed["SAFRAN-TAL-1"]
    # Cold-chain dates only ship from cold storage: none there.
    assert "Sourced on request" in listed["DATTES-MEJ-1"]
    assert "3 products" in text(response)


def test_a_negotiated_price_replaces_the_tiers_for_that_company(
    client, buyer, chain, shelf
):
    PriceListItem.objects.create(
        company=chain, product=shelf["argan"], unit_price=D("121.50")
    )
    client.force_login(buyer)
    row = rows(client.get(URL))["ARGALI-TGH-250"]
    assert "Your price: MAD121.50" in row
    assert "MAD150.00" not in row


def test_an_importer_reads_the_tiers_as_a_reference(client, importer_buyer, shelf):
    client.force_login(importer_buyer)
    row = rows(client.get(URL))["ARGALI-TGH-250"]
    assert "MAD150.00" in row
    assert "For reference: your quotes are in EUR." in row


def test_filters_by_category_cooperative_and_stock(client, buyer, shelf):
    """A parent category lists its subcategories' products; filters combine."""
    client.force_login(buyer)
    huiles = create_from_breadcrumbs("Huiles", separator="/")
    assert set(rows(client.get(URL, {"category": huiles.pk}))) == {"ARGALI-TGH-250"}
    taliouine = shelf["taliouine"].pk
    assert set(rows(client.get(URL, {"cooperative": taliouine}))) == {
        "SAFRAN-TAL-1",
        "DATTES-MEJ-1",
    }
    assert set(rows(client.get(URL, {"in_stock": "on"}))) == {"ARGALI-TGH-250"}
    assert rows(client.get(URL, {"cooperative": taliouine, "in_stock": "on"})) == {}
    empty = text(client.get(URL, {"cooperative": taliouine, "in_stock": "on"}))
    assert "No product matches these filters." in empty


def test_text_search_ranks_like_the_shop_and_finds_skus(client, buyer, shelf):
    """A typo finds the saffron; a SKU in any case finds its product."""
    client.force_login(buyer)
    assert list(rows(client.get(URL, {"q": "safarn"}))) == ["SAFRAN-TAL-1"]
    assert list(rows(client.get(URL, {"q": "argan oil"})))[0] == "ARGALI-TGH-250"
    assert list(rows(client.get(URL, {"q": "dattes-mej-1"}))) == ["DATTES-MEJ-1"]


def test_with_the_engine_down_titles_and_skus_still_match(client, buyer, shelf):
    client.force_login(buyer)
    down = f"http://127.0.0.1:{local_engine.free_port()}"
    with override_settings(ELASTICSEARCH_URL=down):
        response = client.get(URL, {"q": "Safran"})
        by_sku = client.get(URL, {"q": "MEJ"})
    assert response.status_code == 200
    assert list(rows(response)) == ["SAFRAN-TAL-1"]
    assert "only titles and SKUs are matched" in text(response)
    assert list(rows(by_sku)) == ["DATTES-MEJ-1"]


def test_bad_filters_and_pages_never_fail(client, buyer, shelf):
    client.force_login(buyer)
    response = client.get(URL, {"category": "999999", "page": "abc", "q": "x" * 500})
    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    assert "Ensure this value has at most 100 characters" in text(response)


def test_pages_keep_the_filters(client, buyer, shelf, monkeypatch):
    """The next page link keeps the filters; page 2 holds the rest."""
    monkeypatch.setattr(pricing, "CATALOGUE_PAGE_SIZE", 1)
    client.force_login(buyer)
    cooperative = shelf["taliouine"].pk
    first = client.get(URL, {"cooperative": cooperative})
    assert list(rows(first)) == ["DATTES-MEJ-1"]
    assert "Page 1 of 2" in text(first)
    assert f"?cooperative={cooperative}&page=2" in text(first)
    second = client.get(URL, {"cooperative": cooperative, "page": "2"})
    assert list(rows(second)) == ["SAFRAN-TAL-1"]


def test_the_catalogue_takes_the_same_queries_for_more_products(client, buyer, shelf):
    """Offers, stock and cooperatives are loaded per page, not per product."""
    client.force_login(buyer)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    with indexing_paused():
        for number in range(6):
            _product(
                f"Amlou {number}",
                f"AMLOU-{number}",
                "Épices",
                shelf["taliouine"],
                shelf["warehouse"],
            )
    with CaptureQueriesContext(connection) as more:
        response = client.get(URL)
    assert len(rows(response)) == 9
    assert len(more) == len(few)


# Quick entry.


def test_quick_entry_fills_the_buyers_draft_request(client, buyer, chain, shelf):
    """Good lines go into a new draft, and the buyer lands on it."""
    client.force_login(buyer)
    response = client.post(URL, {"lines": "ARGALI-TGH-250 10\nsafran-tal-1\t3\n"})
    draft = QuoteRequest.objects.get(company=chain)
    assert response.status_code == 302
    assert response["Location"] == reverse("wholesale:request", kwargs={"pk": draft.pk})
    assert draft.status == "draft"
    assert draft.created_by == buyer
    assert {
        (line.product.upc, line.packs, line.pack_size) for line in draft.lines.all()
    } == {("ARGALI-TGH-250", 10, 12), ("SAFRAN-TAL-1", 3, 10)}
    page = text(client.get(response["Location"]))
    assert f"2 products added to request {draft.number}." in page


def test_bad_quick_entry_lines_are_reported_and_the_good_ones_kept(
    client, buyer, chain, shelf
):
    """Unknown SKUs and packs below the minimum are listed by line number and
    left in the box; the other lines are in the draft."""
    client.force_login(buyer)
    response = client.post(
        URL,
        {
            "lines": (
                "ARGALI-TGH-250 1\n"
                "SAFRAN-TAL-1 2\n"
                "NOPE-42 10\n"
                "DATTES-MEJ-1 two\n"
                "<script>alert(1)</script> 3"
            )
        },
    )
    assert response.status_code == 200
    page = plain(response)
    draft = QuoteRequest.objects.get(company=chain)
    assert [(line.product.upc, line.packs) for line in draft.lines.all()] == [
        ("SAFRAN-TAL-1", 2)
    ]
    assert f"1 product added to request {draft.number}." in page
    assert "4 lines were not added:" in page
    assert (
        "Line 1: ARGALI-TGH-250 1 — ARGALI-TGH-250: order at least 2 packs "
        "(minimum order 24 units, 12 per pack)." in page
    )
    assert "Line 3: NOPE-42 10 — No product has the SKU “NOPE-42”." in page
    assert "Line 4: DATTES-MEJ-1 two — “two” is not a whole number of packs." in page
    assert "<script>alert(1)</script>" not in response.content.decode()
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", text(response), re.S)[1]
    assert textarea.split("\n")[1:] == [
        "ARGALI-TGH-250 1",
        "NOPE-42 10",
        "DATTES-MEJ-1 two",
        "<script>alert(1)</script> 3",
    ]

    # Corrected, the lines join the same draft.
    client.post(URL, {"lines": "ARGALI-TGH-250 2\nDATTES-MEJ-1 4"})
    assert QuoteRequest.objects.filter(company=chain).count() == 1
    assert draft.lines.count() == 3


def test_an_empty_quick_entry_says_what_to_type(client, buyer, chain, shelf):
    client.force_login(buyer)
    response = client.post(URL, {"lines": "   "})
    assert response.status_code == 200
    assert "This field is required." in text(response)
    too_long = client.post(URL, {"lines": "A 1\n" * 3000})
    assert "Ensure this value has at most 10000 characters" in text(too_long)
    assert not QuoteRequest.objects.exists()


def test_the_buyers_home_links_to_the_catalogue(client, buyer):
    client.force_login(buyer)
    page = text(client.get(reverse("wholesale:dashboard")))
    assert "Open the wholesale catalogue" in page
    assert URL in page


def test_only_buyers_of_an_active_company_open_the_catalogue(
    client, retail_customer, staff_a, office, buyer, chain
):
    """Visitors are sent to sign in; customers, store and office staff get 403."""
    anonymous = client.get(URL)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    for user in (retail_customer, staff_a, office):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"lines": "X 1"}).status_code == 403
    chain.is_active = False
    chain.save()
    client.force_login(buyer)
    assert client.get(URL).status_code == 403
