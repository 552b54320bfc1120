"""What buyers see of wholesale prices on storefront pages, and that nobody
sees anyone else's: retail shoppers never see wholesale prices, a company's
buyers never see another company's, whatever page, fragment or search answer
is cached."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from search import services
from shop.wholesale.models import PriceListItem, PriceTier
from shop.wholesale.services.prices import price_list_item_set
from tests.cms.builders import showcase_tree
from tests.factories import CompanyFactory, MembershipFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = Decimal
# Every wholesale figure of the product, as English pages write them.
TIERS = ("MAD97.00", "MAD93.00")
PRICE_A = "MAD88.40"
PRICE_B = "MAD86.10"
WHOLESALE = ("Wholesale terms", "Request a quote", "units per pack", "/ unit")


def words(response) -> str:
    assert response.status_code == 200
    return " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()
    )


@pytest.fixture
def world(db):
    """The showcase's saffron (120 MAD retail) in packs of 12, minimum 24
    units, volume prices 97 then 93 from 10 packs; company A and company B
    each with their own price, company C with none."""
    showcase = showcase_tree()
    product = showcase.product
    product.wholesale_pack_size = 12
    product.minimum_order_quantity = 24
    product.save()
    PriceTier.objects.create(product=product, min_packs=1, unit_price=D("97.00"))
    PriceTier.objects.create(product=product, min_packs=10, unit_price=D("93.00"))
    companies = {key: CompanyFactory(name=f"Société {key}") for key in ("A", "B", "C")}
    PriceListItem.objects.create(
        company=companies["A"], product=product, unit_price=D("88.40")
    )
    PriceListItem.objects.create(
        company=companies["B"], product=product, unit_price=D("86.10")
    )
    buyers = {
        key: MembershipFactory(company=company).user
        for key, company in companies.items()
    }
    return {"showcase": showcase, "product": product, "buyers": buyers, **companies}


@pytest.fixture
def visitors(client, world, retail_customer):
    """Fetch a URL as someone: None (a visitor), "retail", "A", "B" or "C"."""
    from django.test import Client

    clients = {None: Client()}
    for key, user in (("retail", retail_customer), *world["buyers"].items()):
        clients[key] = Client()
        clients[key].force_login(user)

    def get(who, url, **params):
        return clients[who].get(url, params)

    return get


def product_url(product):
    return product.get_absolute_url()


def assert_sees_only(page: str, who) -> None:
    """Retail sees no wholesale figure; a buyer sees their company's price and
    no other company's."""
    if who in (None, "retail"):
        for figure in (*TIERS, PRICE_A, PRICE_B):
            assert figure not in page, (who, figure)
        return
    own = {"A": PRICE_A, "B": PRICE_B}.get(who)
    for price in (PRICE_A, PRICE_B):
        assert (price in page) == (price == own), (who, price)


# The product page.


def test_retail_product_pages_show_no_wholesale_terms(visitors, world):
    """Visitors and customers get the retail page: price, basket form, no pack,
    minimum or wholesale price."""
    for who in (None, "retail"):
        response = visitors(who, product_url(world["product"]))
        page = words(response)
        assert "MAD120.00" in page
        assert "Add to cart" in page
        for word in WHOLESALE:
            assert word not in page, (who, word)
        for figure in (*TIERS, PRICE_A, PRICE_B):
            assert figure not in page, (who, figure)
        assert "css/wholesale.css" not in response.content.decode()


def test_a_buyer_reads_the_companys_terms_and_requests_a_quote(visitors, world):
    """Pack size, minimum order, their own price and the volume prices; a
    quote request in packs (no retail quantity cap) instead of the basket."""
    response = visitors("A", product_url(world["product"]))
    page = words(response)
    assert (
        "Wholesale terms Pack size 12 units per pack Minimum order 24 units "
        "(2 packs) Your price MAD88.40 / unit"
    ) in page
    assert "Standard volume prices, per unit Packs Unit price 1–9 MAD97.00 " in page
    assert "10 and more MAD93.00" in page
    assert "Add to cart" not in page
    assert "add_to_basket_form" not in response.content.decode()
    markup = response.content.decode()
    form = re.search(
        r'<form class="wholesale-request-add"[^>]*>.*?</form>', markup, re.S
    )
    assert f'action="{reverse("wholesale:request-add")}"' in form[0]
    assert f'name="product" value="{world["product"].pk}"' in form[0]
    assert 'name="packs" min="2" step="1" value="2"' in form[0]
    assert "max=" not in form[0]
    assert "css/wholesale.css" in markup


def test_the_quote_request_form_opens_the_buyers_request_line(visitors, world):
    """500 units are 42 packs: the request page takes them."""
    product = world["product"]
    response = visitors(
        "A", reverse("wholesale:request-add"), product=product.pk, packs=42
    )
    page = words(response)
    assert product.title in page
    assert "must be less than or equal" not in page


def test_a_buyer_without_negotiated_price_gets_the_volume_prices(visitors, world):
    page = words(visitors("C", product_url(world["product"])))
    assert "Volume prices, per unit Packs Unit price 1–9 MAD97.00" in page
    assert "Your price" not in page


def test_an_importer_reads_tiers_in_mad_as_a_reference(client, world):
    importer = CompanyFactory(name="Saveurs SARL", country_id="FR", currency="EUR")
    client.force_login(MembershipFactory(company=importer).user)
    page = words(client.get(product_url(world["product"])))
    assert "1–9 MAD97.00" in page
    assert (
        "Volume prices are set in MAD and shown for reference: your quotes are "
        "in EUR." in page
    )


# Isolation with every cache warm.


@pytest.fixture
def caches_on(settings):
    """Whole pages cached for visitors, as in production."""
    settings.PAGE_CACHE_SECONDS = 60


ORDERS = [
    (None, "retail", "A", "B", "C"),
    ("A", "B", "C", "retail", None),
    ("C", "A", None, "B", "retail"),
]


@pytest.mark.usefixtures("caches_on")
@pytest.mark.parametrize("order", ORDERS)
def test_the_product_page_never_shows_anothers_prices(visitors, world, order):
    """Whoever warms the caches first, each later reader still sees only their
    own figures, twice in a row."""
    url = product_url(world["product"])
    for _round in range(2):
        for who in order:
            assert_sees_only(words(visitors(who, url)), who)


@pytest.mark.usefixtures("caches_on")
@pytest.mark.parametrize("order", ORDERS)
def test_product_cards_never_show_anothers_prices(visitors, world, order):
    """The home page's product list and the article's product block (cards
    cached per pricing key, page bodies as fragments) show each buyer their
    own line: "your price" or "from … by N packs"."""
    urls = ["/en/", "/en/articles/vrai-safran/"]
    for _round in range(2):
        for who in order:
            for url in urls:
                page = words(visitors(who, url))
                assert "Safran de Taliouine 1 g" in page, (who, url)
                assert_sees_only(page, who)
                if who == "A":
                    assert "Your price: MAD88.40 / unit" in page
                if who == "C":
                    assert "from MAD93.00 / unit by 10 packs" in page
                if who in (None, "retail"):
                    assert "units per pack" not in page


@pytest.mark.usefixtures("caches_on")
def test_search_answers_and_the_catalogue_never_show_anothers_prices(visitors, world):
    """The shop's search listing and the wholesale catalogue, asked the same
    question by everyone in turn."""
    services.index_rebuild()
    for _round in range(2):
        for who in (None, "retail", "A", "B", "C"):
            listing = words(visitors(who, "/en/shop/search/", q="safran"))
            assert "Safran de Taliouine 1 g" in listing
            # Buyers see their own wholesale line on the cards, nobody else's.
            assert_sees_only(listing, who if who in ("A", "B", "C") else None)
        for who in ("A", "B", "C"):
            catalogue = words(visitors(who, "/en/wholesale/catalogue/", q="safran"))
            assert "Safran de Taliouine 1 g" in catalogue
            assert_sees_only(catalogue, who)


@pytest.mark.usefixtures("caches_on")
def test_a_price_change_shows_on_the_next_page_for_that_company_only(
    visitors, world, office, committed
):
    """Cached fragments follow a negotiated price change at once."""
    url = product_url(world["product"])
    for who in ("A", "B", None):
        words(visitors(who, url))
    committed(
        lambda: price_list_item_set(
            company=world["A"],
            product=world["product"],
            unit_price=D("80.00"),
            by=office,
        )
    )
    assert "Your price MAD80.00 / unit" in words(visitors("A", url))
    assert "MAD80.00" not in words(visitors("B", url))
    assert "MAD80.00" not in words(visitors(None, url))


@pytest.mark.usefixtures("caches_on")
def test_a_deactivated_company_falls_back_to_retail_pages(visitors, world):
    url = product_url(world["product"])
    assert PRICE_A in words(visitors("A", url))
    world["A"].is_active = False
    world["A"].save()
    page = words(visitors("A", url))
    assert PRICE_A not in page
    assert "Add to cart" in page


def test_a_parent_product_offers_nothing_itself_its_variants_do(client, world):
    """A parent's page lists its variants; each variant's page has its terms."""
    parent = ProductFactory(
        title="Miel de thym", structure="parent", stockrecords=None, upc="MIEL-THYM"
    )
    variant = ProductFactory(
        title="Miel de thym 500 g",
        structure="child",
        parent=parent,
        product_class=None,
        cooperative=None,
        upc="MIEL-THYM-500",
        wholesale_pack_size=6,
        minimum_order_quantity=12,
    )
    client.force_login(world["buyers"]["C"])
    page = words(client.get(parent.get_absolute_url()))
    assert "Miel de thym 500 g" in page
    assert "Wholesale terms" not in page
    variant_page = words(client.get(variant.get_absolute_url()))
    assert "Pack size 6 units per pack Minimum order 12 units (2 packs)" in variant_page
