"""Checkout journeys: each allowed delivery × payment pair, and each refused one."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db.models.signals import post_save
from oscar.apps.order.models import Order

from shop.partner.models import OpeningPeriod, StockRecord
from shop.payments.models import CheckoutPayment
from tests.shop.checkout_journey import (
    CARD_OK,
    FRENCH_ADDRESS,
    page_text,
    stripe_get,
    url,
)

pytestmark = pytest.mark.django_db


def test_guest_pays_cash_on_delivery_for_standard_delivery(
    shopper, argan_oil, django_capture_on_commit_callbacks
):
    """A guest in Casablanca pays the courier; the COD fee is shown first."""
    shopper.up_to_payment([(argan_oil, 2)], shipping="standard")
    shopper.pay_by("cash_on_delivery")
    preview = shopper.client.get(url("checkout:preview"))
    assert "Cash on delivery fee" in page_text(preview)
    assert "15.00" in page_text(preview)

    with django_capture_on_commit_callbacks(execute=True):
        response = shopper.place()

    order = Order.objects.get()
    # 2 × 120 + 35 (standard, 1 kg) + 15 (cash on delivery fee)
    assert order.total_incl_tax == Decimal("290.00")
    assert order.shipping_method == "Standard home delivery"
    assert f"<strong>{order.number}</strong>" in page_text(response)
    assert "Cash on delivery" in page_text(response)
    assert order.checkout_payment.method == CheckoutPayment.Method.CASH_ON_DELIVERY
    assert order.sources.get().amount_debited == Decimal("0.00")
    assert order.lines.get().stockrecord.num_allocated == 2
    assert mail.outbox[0].to == ["salma@example.ma"]
    assert order.number in mail.outbox[0].body


def test_guest_pays_by_card_for_standard_delivery(shopper, argan_oil, local_stripe):
    """The card is held, the order placed, then the payment captured once."""
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard")
    shopper.pay_by("card")

    response = shopper.place(card=CARD_OK)

    order = Order.objects.get()
    assert order.number in page_text(response)
    payment = order.checkout_payment
    intent = stripe_get(f"/v1/payment_intents/{payment.reference}")
    assert intent["status"] == "succeeded"
    assert intent["amount"] == 15500  # 120 + 35 MAD in centimes
    assert intent["metadata"]["order_number"] == order.number
    events = list(
        order.payment_events.order_by("pk").values_list("event_type__code", "amount")
    )
    assert events == [
        ("authorised", Decimal("155.00")),
        ("captured", Decimal("155.00")),
    ]
    assert order.sources.get().amount_debited == Decimal("155.00")


def test_click_and_collect_paid_at_pickup_shows_store_and_hours(
    shopper, argan_oil, casablanca_store
):
    """Collecting at a pilot store is free, takes the store's stock, shows its hours."""
    OpeningPeriod.objects.create(
        partner=casablanca_store, weekday=0, opens="09:00", closes="19:00"
    )
    shopper.up_to_payment(
        [(argan_oil, 2)], shipping=f"click-collect-{casablanca_store.pk}"
    )
    choices = shopper.client.get(url("checkout:payment-method"))
    assert "Cash on delivery is for home delivery" in page_text(choices)
    shopper.pay_by("pay_at_pickup")

    response = shopper.place()

    order = Order.objects.get()
    assert order.total_incl_tax == Decimal("240.00")
    assert "Boutique Casablanca" in page_text(response)
    assert "Monday 09:00–19:00" in page_text(response)
    assert casablanca_store.stockrecords.get().num_allocated == 2
    assert argan_oil.stockrecords.exclude(
        partner=casablanca_store
    ).get().num_allocated in (
        0,
        None,
    )


def test_click_and_collect_can_be_paid_by_card(
    shopper, argan_oil, casablanca_store, local_stripe
):
    """Card payment is accepted for click & collect too."""
    shopper.up_to_payment(
        [(argan_oil, 1)], shipping=f"click-collect-{casablanca_store.pk}"
    )
    shopper.pay_by("card")
    shopper.place(card=CARD_OK)
    assert Order.objects.get().checkout_payment.method == "card"


def test_cold_chain_basket_travels_refrigerated_in_a_covered_city(
    shopper, goat_cheese, local_stripe
):
    """Chilled products: standard delivery is refused with the reason; cold chain ok."""
    shopper.add(goat_cheese, 1)
    shopper.start_as_guest()
    shopper.address(line4="Fès")
    page = shopper.client.get(url("checkout:shipping-method"))
    text = page_text(page)
    assert "Refrigerated delivery" in text
    assert "must travel in refrigerated delivery" in text

    refused = shopper.client.post(
        url("checkout:shipping-method"), {"method_code": "standard"}, follow=True
    )
    assert "Your submitted shipping method is not permitted" in page_text(refused)

    shopper.ship_by("refrigerated")
    shopper.pay_by("card")
    shopper.place(card=CARD_OK)
    order = Order.objects.get()
    assert order.shipping_method == "Refrigerated delivery"


def test_refrigerated_delivery_is_refused_outside_covered_cities(shopper, goat_cheese):
    """In a city without cold-chain coverage, no home delivery is offered, and why."""
    shopper.add(goat_cheese, 1)
    shopper.start_as_guest()
    shopper.address(line4="Ouarzazate")
    page = shopper.client.get(url("checkout:shipping-method"))
    assert "do not reach Ouarzazate yet" in page_text(page)
    assert "No delivery method can carry this basket" in page_text(page)


def test_a_chilled_basket_outside_covered_cities_has_a_way_forward(
    shopper, goat_cheese, argan_oil
):
    """No store stocks the cheese, so the page does not send the shopper to
    one; it offers another address, or to take the chilled products out in
    one click, after which standard delivery carries the rest."""
    shopper.add(goat_cheese, 1)
    shopper.add(argan_oil, 2)
    shopper.start_as_guest()
    shopper.address(line4="Ouarzazate")
    page = page_text(shopper.client.get(url("checkout:shipping-method")))
    assert "choose click &amp; collect" not in page
    assert f'href="{url("checkout:shipping-address")}"' in page
    remove = url("checkout:chilled-remove")
    assert f'action="{remove}"' in page
    assert "Fromage de chèvre de Chefchaouen" in page

    response = shopper.client.post(remove, follow=True)

    # Standard delivery is then the one method left: chosen, on to payment.
    assert [step for step, _status in response.redirect_chain] == [
        url("checkout:shipping-method"),
        url("checkout:payment-method"),
    ]
    checkout = shopper.client.session["checkout_data"]
    assert checkout["shipping"]["method_code"] == "standard"
    text = page_text(response)
    assert "Fromage de chèvre de Chefchaouen was taken out of your basket." in text
    lines = shopper.client.get(url("basket:summary")).context["basket"].all_lines()
    assert [(line.product, line.quantity) for line in lines] == [(argan_oil, 2)]


def test_taking_chilled_products_out_needs_the_form(shopper, goat_cheese):
    """A GET changes nothing; the button posts with the form's token."""
    shopper.add(goat_cheese, 1)
    response = shopper.client.get(url("checkout:chilled-remove"))
    assert response.status_code == 405
    lines = shopper.client.get(url("basket:summary")).context["basket"].all_lines()
    assert [line.product for line in lines] == [goat_cheese]


def test_staff_can_extend_cold_chain_coverage(shopper, goat_cheese):
    """A city added by staff gets refrigerated delivery straight away."""
    from shop.shipping.models import ColdChainCity

    ColdChainCity.objects.create(name="Ouarzazate")
    shopper.add(goat_cheese, 1)
    shopper.start_as_guest()
    shopper.address(line4="ouarzazate")
    page = shopper.client.get(url("checkout:shipping-method"), follow=True)
    assert "do not reach" not in page_text(page)


def test_cash_on_delivery_is_refused_abroad(shopper, argan_oil):
    """An address in France cannot pay cash on delivery; the reason is shown."""
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard", address=FRENCH_ADDRESS)
    choices = shopper.client.get(url("checkout:payment-method"))
    assert "only possible for addresses in Morocco" in page_text(choices)

    refused = shopper.pay_by("cash_on_delivery")

    assert refused.status_code == 400
    assert "not available for your order" in page_text(refused)
    assert Order.objects.count() == 0


def test_pay_at_pickup_is_refused_with_home_delivery(shopper, argan_oil):
    """Pay at pickup needs click & collect."""
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard")
    choices = shopper.client.get(url("checkout:payment-method"))
    assert "only for click &amp; collect orders" in page_text(choices)
    assert shopper.pay_by("pay_at_pickup").status_code == 400


def test_cash_on_delivery_is_capped(shopper, argan_oil, settings):
    """Above the cap, cash on delivery is refused with the cap in the message."""
    settings.COD_MAX_AMOUNT = Decimal("200.00")
    shopper.up_to_payment([(argan_oil, 2)], shipping="standard")
    choices = shopper.client.get(url("checkout:payment-method"))
    assert "limited to orders up to MAD200.00" in page_text(choices)
    assert shopper.pay_by("cash_on_delivery").status_code == 400


def test_preview_without_a_payment_choice_sends_back_to_the_choice(shopper, argan_oil):
    """Skipping the payment step is not possible."""
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard")
    response = shopper.client.get(url("checkout:preview"), follow=True)
    assert "Please choose how you want to pay." in page_text(response)


@pytest.mark.parametrize(
    "phone", ["06 12 34 56 78", "+212 6 12 34 56 78", "0522223344"]
)
def test_moroccan_phone_formats_are_accepted(shopper, argan_oil, phone):
    """Shoppers type their number the Moroccan way."""
    shopper.add(argan_oil)
    shopper.start_as_guest()
    response = shopper.address(phone_number=phone)
    assert response.status_code == 302


def test_bad_phone_and_missing_city_are_explained(shopper, argan_oil):
    """A broken address re-renders with messages; the basket is kept."""
    shopper.add(argan_oil)
    shopper.start_as_guest()
    response = shopper.address(phone_number="12", line4="")
    text = page_text(response)
    assert response.status_code == 200
    assert "The phone number entered is not valid." in text
    assert "This field is required." in text
    assert shopper.client.get(url("basket:summary")).context["basket"].num_items == 1


def test_the_loser_of_a_click_and_collect_race_is_told_why(
    shopper, argan_oil, casablanca_store
):
    """Another buyer takes the store's last unit while this shopper's order is
    being placed: the preview says why (it was an HTTP 500) and nothing is
    placed."""
    shelf = casablanca_store.stockrecords.get()
    shelf.num_in_stock = 1
    shelf.save()
    shopper.up_to_payment(
        [(argan_oil, 1)], shipping=f"click-collect-{casablanca_store.pk}"
    )
    shopper.pay_by("pay_at_pickup")

    def other_buyer_takes_it(created, **kwargs):
        # Once the page's checks have passed, just before stock is allocated.
        if created:
            StockRecord.objects.get(pk=shelf.pk).allocate(1)

    post_save.connect(other_buyer_takes_it, sender=CheckoutPayment, weak=False)
    try:
        response = shopper.place(follow=False)
    finally:
        post_save.disconnect(other_buyer_takes_it, sender=CheckoutPayment)

    assert response.status_code == 200
    assert "no longer available for this basket" in page_text(response)
    assert not Order.objects.exists()
