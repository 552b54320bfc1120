"""Wholesale prices: volume tiers, negotiated price lists, and the office's
dashboard pages that set them."""

import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shop.cache import product_version
from shop.wholesale.models import PriceListItem, PriceTier
from shop.wholesale.pricing import (
    offers_get,
    quick_entry_parse,
    unit_price_for,
    wholesale_offer_get,
)
from shop.wholesale.services.prices import (
    price_list_item_remove,
    price_list_item_set,
    price_tiers_check,
    price_tiers_replace,
)
from tests.factories import (
    CustomerFactory,
    OfficeStaffFactory,
    ProductFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = Decimal


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def argan(db):
    """Argan oil in packs of 12, at least 24 units, volume prices 1/10/50 packs."""
    product = ProductFactory(
        title="Huile d'argane alimentaire 250 ml",
        upc="ARGALI-TGH-250",
        wholesale_pack_size=12,
        minimum_order_quantity=24,
    )
    for min_packs, price in ((1, "150.00"), (10, "140.00"), (50, "130.00")):
        PriceTier.objects.create(
            product=product, min_packs=min_packs, unit_price=D(price)
        )
    return product


@pytest.fixture
def saffron(db):
    """Saffron with no volume price, in single units."""
    return ProductFactory(title="Safran de Taliouine 1 g", upc="SAFRAN-TAL-1")


# Offers and unit prices.


def test_a_tier_applies_from_its_threshold_to_the_next(argan, chain):
    """1–9 packs at 150, 10–49 at 140, 50 and more at 130 (MAD per unit)."""
    prices = {
        packs: unit_price_for(product=argan, company=chain, packs=packs)
        for packs in (1, 9, 10, 49, 50, 500)
    }
    assert prices == {
        1: D("150.00"),
        9: D("150.00"),
        10: D("140.00"),
        49: D("140.00"),
        50: D("130.00"),
        500: D("130.00"),
    }
    offer = wholesale_offer_get(product=argan, company=chain)
    assert [(t.min_packs, t.max_packs, t.unit_price) for t in offer.tier_ranges] == [
        (1, 9, D("150.00")),
        (10, 49, D("140.00")),
        (50, None, D("130.00")),
    ]
    assert (offer.pack_size, offer.moq_units, offer.moq_packs) == (12, 24, 2)
    assert offer.company_price is None
    assert offer.currency == "MAD"


def test_the_minimum_order_rounds_up_to_whole_packs(chain):
    """A minimum of 30 units in packs of 12 takes 3 packs; no minimum takes 1."""
    product = ProductFactory(wholesale_pack_size=12, minimum_order_quantity=30)
    assert wholesale_offer_get(product=product, company=chain).moq_packs == 3
    single = ProductFactory(wholesale_pack_size=1, minimum_order_quantity=1)
    assert wholesale_offer_get(product=single, company=chain).moq_packs == 1


def test_a_negotiated_price_comes_before_the_tiers_for_that_company_only(
    argan, chain, importer
):
    """The chain's own price applies at any volume; another company still gets
    the volume prices."""
    other = type(chain).objects.create(
        **{
            field: getattr(chain, field)
            for field in ("kind", "country_id", "address_line1", "city", "phone")
        },
        name="Carrefour Maroc",
        ice="000000000000999",
        email="achats@carrefour.example.ma",
    )
    PriceListItem.objects.create(company=chain, product=argan, unit_price=D("125.50"))
    assert unit_price_for(product=argan, company=chain, packs=1) == D("125.50")
    assert unit_price_for(product=argan, company=chain, packs=80) == D("125.50")
    assert unit_price_for(product=argan, company=other, packs=1) == D("150.00")
    assert wholesale_offer_get(product=argan, company=other).company_price is None


def test_without_a_tier_or_negotiated_price_the_office_prices_by_hand(saffron, chain):
    """No price is known: the quote's price is left for the office to set."""
    assert unit_price_for(product=saffron, company=chain, packs=5) is None


def test_below_the_first_threshold_no_tier_applies(chain):
    """Tiers from 10 packs do not price 5 packs."""
    product = ProductFactory()
    PriceTier.objects.create(product=product, min_packs=10, unit_price=D("90.00"))
    assert unit_price_for(product=product, company=chain, packs=5) is None
    assert unit_price_for(product=product, company=chain, packs=10) == D("90.00")


def test_an_importer_in_euros_is_priced_by_its_own_list_only(argan, importer):
    """MAD tiers are shown to a EUR company for reference but never priced in
    its quotes; its negotiated price in EUR is."""
    offer = wholesale_offer_get(product=argan, company=importer)
    assert offer.currency == "EUR"
    assert not offer.tiers_apply
    assert len(offer.tiers) == 3
    assert unit_price_for(product=argan, company=importer, packs=60) is None
    PriceListItem.objects.create(company=importer, product=argan, unit_price=D("13.90"))
    assert unit_price_for(product=argan, company=importer, packs=60) == D("13.90")


def test_offers_for_a_listing_take_two_queries(
    chain, django_assert_num_queries, argan, saffron
):
    """Tiers of every product in one query, the company's prices in another,
    however many products."""
    products = [argan, saffron, *ProductFactory.create_batch(5)]
    PriceListItem.objects.create(company=chain, product=saffron, unit_price=D("45"))
    with django_assert_num_queries(2):
        offers = offers_get(products=products, company=chain)
    assert offers[argan.pk].tier_price(12) == D("140.00")
    assert offers[saffron.pk].company_price == D("45.00")
    assert offers[products[-1].pk].tiers == ()


# Setting tiers and negotiated prices (services).


def test_tiers_must_go_down_as_volumes_go_up():
    """A higher price for a bigger volume is refused, naming both tiers."""
    with pytest.raises(ValidationError) as refused:
        price_tiers_check(tiers=[(1, D("150")), (10, D("160"))])
    assert refused.value.messages == [
        "From 10 packs the unit price (MAD160.00) is higher than from 1 "
        "(MAD150.00): prices must go down as volumes go up."
    ]


def test_tier_thresholds_are_unique_at_least_one_and_prices_positive():
    """Every refusal is listed at once."""
    with pytest.raises(ValidationError) as refused:
        price_tiers_check(tiers=[(0, D("10")), (5, D("0")), (5, D("-1"))])
    assert refused.value.messages == [
        "A volume price starts at 1 pack or more.",
        "The unit price from 5 packs must be above zero.",
        "Two volume prices start at 5 packs: keep one.",
    ]


def test_equal_prices_and_a_gap_below_the_first_tier_are_only_warned():
    """Saved, but the office is told what looks odd."""
    checked = price_tiers_check(tiers=[(20, D("120")), (5, D("120"))])
    assert [tier.min_packs for tier in checked.tiers] == [5, 20]
    assert checked.warnings == (
        "From 20 packs the unit price is the same as from 5 (MAD120.00): that "
        "tier changes nothing.",
        "No volume price below 5 packs: smaller requests are priced by hand in "
        "the quote.",
    )


def test_replacing_tiers_moves_the_products_version_after_commit(
    argan, office, committed
):
    """Cached pages showing the old tiers stop being served."""
    before = product_version(argan.pk)
    committed(
        lambda: price_tiers_replace(
            product=argan, tiers=[(1, D("155")), (20, D("135"))], by=office
        )
    )
    assert list(
        PriceTier.objects.filter(product=argan).values_list("min_packs", "unit_price")
    ) == [(1, D("155.00")), (20, D("135.00"))]
    assert product_version(argan.pk) != before


def test_a_refused_tier_list_leaves_the_old_one(argan, office):
    with pytest.raises(ValidationError):
        price_tiers_replace(product=argan, tiers=[(1, D("1")), (2, D("2"))], by=office)
    assert PriceTier.objects.filter(product=argan).count() == 3


def test_a_negotiated_price_is_added_changed_and_removed(
    argan, chain, office, committed
):
    """Each change moves the product's version; removing twice tells it was gone."""
    before = product_version(argan.pk)
    committed(
        lambda: price_list_item_set(
            company=chain, product=argan, unit_price=D("120"), by=office
        )
    )
    assert product_version(argan.pk) != before
    _item, created = price_list_item_set(
        company=chain, product=argan, unit_price=D("118.50"), by=office
    )
    assert not created
    assert PriceListItem.objects.get(company=chain, product=argan).unit_price == D(
        "118.50"
    )
    assert price_list_item_remove(company=chain, product=argan, by=office)
    assert not price_list_item_remove(company=chain, product=argan, by=office)
    with pytest.raises(ValidationError):
        price_list_item_set(company=chain, product=argan, unit_price=D("0"), by=office)


# Quick entry by SKU.


def test_quick_entry_reads_each_line_and_says_what_is_wrong(argan, saffron, chain):
    """Good lines keep their product and packs; each bad one says why."""
    entries = quick_entry_parse(
        text=(
            "argali-tgh-250 10\n"
            "\n"
            "SAFRAN-TAL-1;3\n"
            "NOPE-1 4\n"
            "ARGALI-TGH-250 1\n"
            "SAFRAN-TAL-1 2.5\n"
            "SAFRAN-TAL-1\n"
            "SAFRAN-TAL-1 200000\n"
        ),
        company=chain,
    )
    assert [(e.number, e.product, e.packs, e.error) for e in entries] == [
        (1, argan, 10, ""),
        (3, saffron, 3, ""),
        (4, None, None, "No product has the SKU “NOPE-1”."),
        (5, argan, 1, "ARGALI-TGH-250 is already on line 1."),
        (6, saffron, None, "“2.5” is not a whole number of packs."),
        (
            7,
            saffron,
            None,
            "Give the number of packs after the SKU, e.g. “SAFRAN-TAL-1 10”.",
        ),
        (
            8,
            saffron,
            None,
            "That is more packs than one line can hold (at most 100000).",
        ),
    ]


def test_quick_entry_holds_lines_to_the_minimum_order(argan, chain):
    entries = quick_entry_parse(text="ARGALI-TGH-250 1", company=chain)
    assert entries[0].error == (
        "ARGALI-TGH-250: order at least 2 packs (minimum order 24 units, 12 per pack)."
    )


# Dashboard: volume prices.


def tiers_url(product):
    return reverse("dashboard:wholesale-product-tiers", kwargs={"pk": product.pk})


def tiers_post(rows, delete=()):
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
    }
    for index, (min_packs, price) in enumerate(rows):
        data[f"form-{index}-min_packs"] = min_packs
        data[f"form-{index}-unit_price"] = price
        if index in delete:
            data[f"form-{index}-DELETE"] = "on"
    return data


def test_office_finds_a_product_by_sku_and_sets_its_tiers(client, office, argan):
    """Search by SKU, open the product, save tiers: the page shows them and
    what looked odd."""
    client.force_login(office)
    found = client.get(reverse("dashboard:wholesale-tiers"), {"q": "ARGALI-TGH-250"})
    assert found.status_code == 200
    assert tiers_url(argan) in text(found)
    listed = client.get(reverse("dashboard:wholesale-tiers"))
    assert "Huile d'argane alimentaire 250 ml" in text(listed)

    page = client.get(tiers_url(argan))
    assert page.status_code == 200
    assert 'value="140.00"' in text(page)

    response = client.post(
        tiers_url(argan),
        tiers_post([("5", "150"), ("20", "150"), ("50", "120"), ("", "")], delete=()),
        follow=True,
    )
    page = text(response)
    assert "Volume prices of “Huile d'argane alimentaire 250 ml” saved." in page
    assert "From 20 packs the unit price is the same as from 5" in page
    assert "No volume price below 5 packs" in page
    assert list(
        PriceTier.objects.filter(product=argan).values_list("min_packs", "unit_price")
    ) == [(5, D("150.00")), (20, D("150.00")), (50, D("120.00"))]


def test_refused_tiers_are_shown_with_the_reason_and_nothing_changes(
    client, office, argan
):
    """Increasing prices, a duplicate threshold, a letter in a price: the form
    comes back with the reasons, no 500, the old tiers stay."""
    client.force_login(office)
    increasing = text(
        client.post(tiers_url(argan), tiers_post([("1", "100"), ("10", "110")]))
    )
    assert "These volume prices were not saved:" in increasing
    assert "prices must go down as volumes go up" in increasing
    duplicate = text(
        client.post(tiers_url(argan), tiers_post([("5", "100"), ("5", "90")]))
    )
    assert "Two volume prices start at 5 packs: keep one." in duplicate
    bad = client.post(tiers_url(argan), tiers_post([("0", "abc"), ("3", "-2")]))
    assert bad.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in text(bad)
    assert "Enter a number." in text(bad)
    assert "Ensure this value is greater than or equal to 0.01." in text(bad)
    assert PriceTier.objects.filter(product=argan).count() == 3


def test_removing_every_tier_leaves_the_product_without_volume_prices(
    client, office, argan
):
    client.force_login(office)
    client.post(
        tiers_url(argan),
        tiers_post([("1", "150"), ("10", "140")], delete=(0, 1)),
    )
    assert not PriceTier.objects.filter(product=argan).exists()


def test_a_parent_or_unknown_product_has_no_tier_page(client, office):
    client.force_login(office)
    parent = ProductFactory(structure="parent", stockrecords=None)
    assert client.get(tiers_url(parent)).status_code == 404
    assert (
        client.get(
            reverse("dashboard:wholesale-product-tiers", kwargs={"pk": 999999})
        ).status_code
        == 404
    )


# Dashboard: a company's negotiated prices.


def prices_url(company):
    return reverse("dashboard:wholesale-company-prices", kwargs={"pk": company.pk})


def test_office_gives_a_company_its_own_prices_by_sku(
    client, office, chain, argan, saffron
):
    """Add by SKU, change from the row, remove: each step says what happened."""
    client.force_login(office)
    added = text(
        client.post(
            prices_url(chain),
            {"action": "set", "sku": " argali-tgh-250 ", "unit_price": "121.50"},
            follow=True,
        )
    )
    assert (
        "Marjane Terroir now pays MAD121.50 per unit of “Huile d'argane "
        "alimentaire 250 ml”." in added
    )
    assert "ARGALI-TGH-250" in added
    changed = text(
        client.post(
            prices_url(chain),
            {"action": "set", "sku": "ARGALI-TGH-250", "unit_price": "119"},
            follow=True,
        )
    )
    assert (
        "The price of “Huile d'argane alimentaire 250 ml” for Marjane Terroir is "
        "now MAD119.00 per unit." in changed
    )
    assert PriceListItem.objects.get(company=chain).unit_price == D("119.00")

    removed = text(
        client.post(
            prices_url(chain),
            {"action": "remove", "sku": "ARGALI-TGH-250"},
            follow=True,
        )
    )
    assert (
        "“Huile d'argane alimentaire 250 ml” is off the price list of Marjane Terroir."
        in removed
    )
    assert not PriceListItem.objects.filter(company=chain).exists()
    again = text(
        client.post(
            prices_url(chain),
            {"action": "remove", "sku": "ARGALI-TGH-250"},
            follow=True,
        )
    )
    assert "That product is not on this price list." in again


def test_an_importers_prices_are_in_euros(client, office, importer, argan):
    client.force_login(office)
    page = text(
        client.post(
            prices_url(importer),
            {"action": "set", "sku": "ARGALI-TGH-250", "unit_price": "13.9"},
            follow=True,
        )
    )
    assert "Unit prices in EUR" in page
    assert "now pays €13.90 per unit" in page


def test_bad_negotiated_prices_are_refused_with_a_reason(client, office, chain, argan):
    client.force_login(office)
    unknown = text(
        client.post(
            prices_url(chain), {"action": "set", "sku": "NOPE", "unit_price": "10"}
        )
    )
    assert "No product has the SKU “NOPE”." in unknown
    for price, message in (
        ("0", "Ensure this value is greater than or equal to 0.01."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
        ("douze", "Enter a number."),
    ):
        response = client.post(
            prices_url(chain),
            {"action": "set", "sku": "ARGALI-TGH-250", "unit_price": price},
        )
        assert response.status_code == 200
        assert message in text(response)
    assert not PriceListItem.objects.exists()
    assert (
        client.get(
            reverse("dashboard:wholesale-company-prices", kwargs={"pk": 999999})
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "url_name",
    ["wholesale-tiers", "wholesale-product-tiers", "wholesale-company-prices"],
)
def test_only_office_staff_set_wholesale_prices(
    client, url_name, argan, chain, buyer, staff_a
):
    """Buyers, customers and store staff get 403; visitors the dashboard login;
    staff without the price permission 403 too."""
    kwargs = {
        "wholesale-tiers": {},
        "wholesale-product-tiers": {"pk": argan.pk},
        "wholesale-company-prices": {"pk": chain.pk},
    }[url_name]
    url = reverse(f"dashboard:{url_name}", kwargs=kwargs)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert reverse("dashboard:login") in anonymous["Location"]
    narrow = OfficeStaffFactory(permissions=["wholesale.view_company"])
    for user in (buyer, CustomerFactory(), staff_a, narrow):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
        assert client.post(url, {"action": "remove", "sku": "x"}).status_code == 403
    client.force_login(OfficeStaffFactory())
    assert client.get(url).status_code == 200
