"""Adding to the basket: what the shopper sees (shop/basket)."""

import html
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from oscar.core.loading import get_model
from oscar.test import factories as oscar_factories

from tests.factories import CustomerFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Basket = get_model("basket", "Basket")
Benefit = get_model("offer", "Benefit")
Condition = get_model("offer", "Condition")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Line = get_model("basket", "Line")


@pytest.fixture
def argan_oil():
    """120 MAD, 3 bottles left in the warehouse."""
    return ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=3)


def add(client, product, quantity=1, **fields):
    # The shopper has seen the messages of the previous addition.
    client.cookies.pop("messages", None)
    return client.post(
        reverse("basket:add", kwargs={"pk": product.pk}),
        {"quantity": quantity, **fields},
    )


def shown(response) -> list[str]:
    return [
        " ".join(html.unescape(strip_tags(str(message))).split())
        for message in get_messages(response.wsgi_request)
    ]


def basket_page(client) -> str:
    page = client.get(reverse("basket:summary")).content.decode()
    return " ".join(html.unescape(page).split())


def two_for_ten_percent_off(**offer_fields):
    """10% off every product once the basket holds two items."""
    everything = oscar_factories.RangeFactory(
        name="Everything", includes_all_products=True
    )
    return oscar_factories.ConditionalOfferFactory(
        name="Two bottles, 10% off",
        condition__type=Condition.COUNT,
        condition__value=2,
        condition__range=everything,
        benefit__type=Benefit.PERCENTAGE,
        benefit__value=10,
        benefit__range=everything,
        **offer_fields,
    )


def test_a_first_addition_opens_a_basket_the_visitor_finds_again(client, argan_oil):
    """An anonymous visitor's first addition is in their basket on the next page."""
    response = add(client, argan_oil)

    assert response.status_code == 302
    assert shown(response) == ["Huile d'argane has been added to your cart."]
    assert settings.OSCAR_BASKET_COOKIE_OPEN in response.cookies
    assert "Huile d'argane" in basket_page(client)


def test_a_customer_adds_to_their_own_basket(client, argan_oil):
    """A signed-in customer's addition goes to the basket of their account."""
    customer = CustomerFactory()
    client.force_login(customer)

    add(client, argan_oil, quantity=2)

    line = Line.objects.get(basket__owner=customer, basket__status=Basket.OPEN)
    assert (line.product, line.quantity) == (argan_oil, 2)


def test_adding_more_than_the_stock_is_refused(client, argan_oil):
    """With 3 in stock and 2 in the basket, adding 2 more is refused and said so."""
    add(client, argan_oil, quantity=2)

    response = add(client, argan_oil, quantity=2)

    assert response.status_code == 302
    assert shown(response) == ["a maximum of 3 can be bought"]
    assert Line.objects.get(product=argan_oil).quantity == 2


def test_stock_counted_again_after_the_product_was_added_limits_the_next_addition(
    client, argan_oil, committed
):
    """The product an addition reads is kept between requests; a stock count
    saved meanwhile limits the next addition at once."""
    add(client, argan_oil)
    record = argan_oil.stockrecords.get()
    record.num_in_stock = 1
    committed(record.save)

    response = add(client, argan_oil)

    assert shown(response) == ["a maximum of 1 can be bought"]
    assert Line.objects.get(product=argan_oil).quantity == 1


def test_the_last_bottle_can_still_be_added(client, argan_oil):
    """Adding exactly what is left in stock is allowed."""
    add(client, argan_oil, quantity=2)

    add(client, argan_oil, quantity=1)

    assert Line.objects.get(product=argan_oil).quantity == 3


def test_a_site_offer_applies_when_the_addition_qualifies(client, argan_oil):
    """An addition that meets an offer's condition says so; the price drops."""
    two_for_ten_percent_off()
    first = add(client, argan_oil)

    second = add(client, argan_oil)

    assert shown(first) == ["Huile d'argane has been added to your cart."]
    assert shown(second) == [
        "Huile d'argane has been added to your cart.",
        "Your cart now qualifies for the Two bottles, 10% off offer.",
    ]
    assert "216.00" in basket_page(client)


def test_a_site_offer_created_while_baskets_are_open_applies_at_once(
    client, argan_oil, committed
):
    """Site offers are kept between requests; a new one counts from the next."""
    add(client, argan_oil)
    committed(two_for_ten_percent_off)

    response = add(client, argan_oil)

    assert shown(response)[-1] == (
        "Your cart now qualifies for the Two bottles, 10% off offer."
    )


def test_a_closed_site_offer_stops_applying_at_once(client, argan_oil, committed):
    offer = two_for_ten_percent_off()
    add(client, argan_oil)
    add(client, argan_oil)
    assert "216.00" in basket_page(client)

    offer.status = ConditionalOffer.SUSPENDED
    committed(offer.save)

    assert "240.00" in basket_page(client)
    assert "216.00" not in basket_page(client)


def test_an_offer_not_started_yet_does_not_apply(client, argan_oil):
    two_for_ten_percent_off(start_datetime=timezone.now() + timedelta(hours=1))

    add(client, argan_oil, quantity=2)

    assert "240.00" in basket_page(client)


def test_an_addition_does_not_query_the_site_offers_again(client, argan_oil):
    """The site offers come from the cache: no query for them per request."""
    two_for_ten_percent_off()
    add(client, argan_oil)

    with CaptureQueriesContext(connection) as queries:
        response = add(client, argan_oil)

    assert shown(response)[-1].startswith("Your cart now qualifies")
    assert not [q for q in queries if "offer_conditionaloffer" in q["sql"]]


def test_a_voucher_offer_is_reported_lost_to_a_better_one(client, argan_oil):
    """A voucher's offer counts before the addition: the shopper learns it gave way."""
    two_for_ten_percent_off(priority=10, exclusive=True)
    welcome = oscar_factories.ConditionalOfferFactory(
        name="Welcome, 5% off",
        offer_type=ConditionalOffer.VOUCHER,
        exclusive=True,
        condition__type=Condition.COUNT,
        condition__value=1,
        condition__range__includes_all_products=True,
        benefit__type=Benefit.PERCENTAGE,
        benefit__value=5,
        benefit__range__includes_all_products=True,
    )
    oscar_factories.VoucherFactory(code="BIENVENUE").offers.add(welcome)
    add(client, argan_oil)
    client.post(reverse("basket:vouchers-add"), {"code": "BIENVENUE"})
    assert "114.00" in basket_page(client)

    response = add(client, argan_oil)

    assert shown(response) == [
        "Huile d'argane has been added to your cart.",
        "Your cart no longer qualifies for the Welcome, 5% off offer.",
        "Your cart now qualifies for the Two bottles, 10% off offer.",
    ]
    assert "216.00" in basket_page(client)


@pytest.fixture
def engraved_tagine(db):
    """A tagine whose class asks for an engraving."""
    engraving = oscar_factories.OptionFactory(
        name="Engraving", code="engraving", required=True
    )
    product = ProductFactory(title="Tajine gravé")
    product.product_class.options.add(engraving)
    return product


def test_a_required_option_is_asked_for(client, engraved_tagine):
    """Adding a product without its required option is refused with a message."""
    response = add(client, engraved_tagine)

    assert shown(response) == ["This field is required."]
    assert not Line.objects.filter(product=engraved_tagine).exists()


def test_an_option_is_kept_on_the_line(client, engraved_tagine):
    """The option the shopper gives is recorded on the basket line."""
    add(client, engraved_tagine, engraving="Salma")

    line = Line.objects.get(product=engraved_tagine)
    assert [(a.option.code, a.value) for a in line.attributes.all()] == [
        ("engraving", "Salma")
    ]


def test_a_product_option_is_kept_on_the_line(client):
    """An option of the product itself (not its class) is recorded too."""
    product = ProductFactory(title="Amlou personnalisé")
    product.product_options.add(
        oscar_factories.OptionFactory(name="Message", code="message", required=True)
    )

    add(client, product, message="Mabrouk")

    line = Line.objects.get(product=product)
    assert [a.value for a in line.attributes.all()] == ["Mabrouk"]
    assert line.price_excl_tax == Decimal("120.00")


def add_at_once(client, product, clicks: int) -> list[int]:
    """Post `clicks` additions at the same moment in the client's basket session;
    return the response statuses."""
    start = threading.Barrier(clicks)
    statuses = []

    def click():
        try:
            twin = Client()
            twin.cookies = client.cookies
            start.wait()
            statuses.append(add(twin, product).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_additions_of_a_product_all_count():
    """Eight clicks at once on a product not yet in the basket leave eight."""
    clicks = 8
    honey, amlou = ProductFactory(title="Miel"), ProductFactory(title="Amlou")
    client = Client()
    add(client, honey)

    assert add_at_once(client, amlou, clicks) == [302] * clicks
    assert Line.objects.get(product=amlou).quantity == clicks


@pytest.mark.django_db(transaction=True)
def test_concurrent_additions_to_one_basket_all_count():
    """Eight simultaneous clicks on "add" leave eight in the basket, none lost."""
    clicks = 8
    product = ProductFactory(title="Amlou", stockrecords__num_in_stock=50)
    client = Client()
    add(client, product)

    assert add_at_once(client, product, clicks) == [302] * clicks
    assert Line.objects.get(product=product).quantity == clicks + 1


def test_a_variant_is_added_from_its_parent_product(client):
    """Choosing a size of a product with variants puts that size in the basket."""
    saffron = ProductFactory(title="Safran", structure="parent", stockrecords=None)
    two_grams = ProductFactory(
        title="Safran 2 g",
        structure="child",
        parent=saffron,
        product_class=None,
        stockrecords__price=Decimal("90.00"),
    )

    response = add(client, saffron, child_id=two_grams.pk)

    assert shown(response) == ["Safran 2 g has been added to your cart."]
    assert Line.objects.get(product=two_grams).price_incl_tax == Decimal("90.00")


def test_an_addition_without_the_form_token_is_refused(argan_oil):
    """A post forged by another site (no CSRF token) adds nothing."""
    response = add(Client(enforce_csrf_checks=True), argan_oil)

    assert response.status_code == 403
    assert not Line.objects.exists()
