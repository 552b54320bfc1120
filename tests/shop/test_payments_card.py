"""Card payments through localstripe: decline, 3-D Secure, and every refusal path."""

from decimal import Decimal

import pytest
from django.test import Client
from oscar.apps.order.models import Order

from shop.payments.models import CheckoutPayment
from tests.factories import ProductFactory
from tests.shop.checkout_journey import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    Shopper,
    card_token,
    intent_status,
    page_text,
    stripe_get,
    stripe_post,
    url,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_stripe")]


def authenticate(payment, *, success: bool):
    """Do what localstripe's fake Stripe.js does when the 3-D Secure modal closes."""
    intent = stripe_get(f"/v1/payment_intents/{payment.reference}")
    stripe_post(
        f"/v1/payment_intents/{payment.reference}/_authenticate"
        f"?success={'true' if success else 'false'}",
        {"client_secret": intent["client_secret"]},
    )


def card_checkout(shopper, product, quantity=1):
    shopper.up_to_payment([(product, quantity)], shipping="standard")
    shopper.pay_by("card")


def test_declined_card_reshows_payment_with_the_reason(shopper, argan_oil):
    """A declined card places nothing, says why, and another card then works."""
    card_checkout(shopper, argan_oil)

    response = shopper.place(card=CARD_DECLINED)

    assert "Payment refused: your card was declined by your bank." in page_text(
        response
    )
    assert "Nothing was charged" in page_text(response)
    assert Order.objects.count() == 0
    assert CheckoutPayment.objects.get().status == CheckoutPayment.Status.FAILED

    shopper.place(card=CARD_OK)
    assert Order.objects.count() == 1


def test_three_d_secure_success_places_and_captures(shopper, argan_oil):
    """With a 3-D Secure card the shopper authenticates, then the order is placed."""
    card_checkout(shopper, argan_oil)
    response = shopper.place(card=CARD_3DS)
    assert "Confirm your card with your bank" in page_text(response)
    assert "stripe-client-secret" in page_text(response)
    payment = CheckoutPayment.objects.get()
    assert Order.objects.count() == 0

    authenticate(payment, success=True)
    done = shopper.return_from_bank(payment.reference)

    order = Order.objects.get()
    assert order.number in page_text(done)
    assert intent_status(payment.reference) == "succeeded"


def test_failed_three_d_secure_places_nothing(shopper, argan_oil):
    """Failing authentication brings the shopper back to the payment step."""
    card_checkout(shopper, argan_oil)
    shopper.place(card=CARD_3DS)
    payment = CheckoutPayment.objects.get()

    authenticate(payment, success=False)
    response = shopper.return_from_bank(payment.reference)

    assert "your bank did not confirm the payment (3-D Secure)" in page_text(response)
    assert response.redirect_chain[-1][0] == url("checkout:preview")
    assert Order.objects.count() == 0


def test_stock_gone_before_paying_is_caught_before_any_charge(shopper):
    """If the last unit sold before "Place order", no card is even touched."""
    saffron = ProductFactory(title="Safran de Taliouine", stockrecords__num_in_stock=1)
    card_checkout(shopper, saffron)
    saffron.stockrecords.get().allocate(1)  # someone else bought it

    response = shopper.place(card=CARD_OK)

    assert "no longer available" in page_text(response)
    assert CheckoutPayment.objects.count() == 0
    assert Order.objects.count() == 0


def test_stock_gone_during_authentication_cancels_the_held_payment(shopper):
    """The last unit sells while the shopper is at the bank: hold released, told."""
    saffron = ProductFactory(title="Safran de Taliouine", stockrecords__num_in_stock=1)
    card_checkout(shopper, saffron)
    shopper.place(card=CARD_3DS)
    payment = CheckoutPayment.objects.get()
    saffron.stockrecords.get().allocate(1)  # someone else bought it meanwhile
    authenticate(payment, success=True)

    response = shopper.return_from_bank(payment.reference)

    text = page_text(response)
    assert "Safran de Taliouine is no longer available" in text
    assert "Nothing was charged" in text
    assert Order.objects.count() == 0
    payment.refresh_from_db()
    assert payment.status == CheckoutPayment.Status.CANCELLED
    assert intent_status(payment.reference) == "canceled"


def test_basket_changed_during_authentication_is_refused(shopper, argan_oil):
    """A basket changed after the intent: refused, hold cancelled, basket kept."""
    card_checkout(shopper, argan_oil)
    shopper.place(card=CARD_3DS)
    payment = CheckoutPayment.objects.get()
    shopper.add(argan_oil, 1)  # in another tab, while the bank page is open
    authenticate(payment, success=True)

    response = shopper.return_from_bank(payment.reference)

    assert "Your basket changed during payment" in page_text(response)
    assert Order.objects.count() == 0
    assert intent_status(payment.reference) == "canceled"
    basket = shopper.client.get(url("basket:summary")).context["basket"]
    assert basket.num_items == 2


def test_tampered_intent_amount_is_refused(shopper, argan_oil):
    """An intent whose amount differs from the order is refused and cancelled."""
    card_checkout(shopper, argan_oil)
    shopper.place(card=CARD_3DS)
    payment = CheckoutPayment.objects.get()
    authenticate(payment, success=True)
    # The checkout claims more than what the card holds (tampering).
    CheckoutPayment.objects.filter(pk=payment.pk).update(amount=Decimal("9.00"))

    response = shopper.return_from_bank(payment.reference)

    assert "The payment does not match your order." in page_text(response)
    assert Order.objects.count() == 0
    assert intent_status(payment.reference) == "canceled"


def test_foreign_intent_id_is_refused(shopper, argan_oil, db):
    """Posting someone else's PaymentIntent id places nothing for anyone."""
    card_checkout(shopper, argan_oil)
    shopper.place(card=CARD_3DS)
    victim = CheckoutPayment.objects.get()

    intruder = Shopper(Client(), email="intrus@example.ma")
    card_checkout(intruder, argan_oil)
    intruder.place(card=CARD_3DS)
    response = intruder.return_from_bank(victim.reference)

    assert "This payment does not belong to your checkout" in page_text(response)
    assert Order.objects.count() == 0


def test_double_submit_places_one_order_and_charges_once(shopper, argan_oil):
    """Clicking "Place order" twice gives the same order, one capture."""
    card_checkout(shopper, argan_oil)
    token = card_token(CARD_OK)
    first = shopper.client.post(
        url("checkout:preview"), {"action": "place_order", "card_token": token}
    )
    second = shopper.client.post(
        url("checkout:preview"), {"action": "place_order", "card_token": token}
    )

    assert first.status_code == second.status_code == 302
    order = Order.objects.get()
    assert order.payment_events.filter(event_type__code="captured").count() == 1
    assert order.sources.get().amount_debited == order.total_incl_tax


def test_expired_session_gets_a_clear_message(argan_oil, client):
    """Coming back from the bank with no session says what happens next."""
    response = client.post(
        url("checkout:card-complete"), {"payment_intent": "pi_unknown"}, follow=True
    )
    assert "Your checkout session has expired" in page_text(response)
    assert Order.objects.count() == 0


def test_place_order_without_card_details_asks_for_them(shopper, argan_oil):
    """Submitting the card form without the card is explained, nothing charged."""
    card_checkout(shopper, argan_oil)
    response = shopper.client.post(url("checkout:preview"), {"action": "place_order"})
    assert "Please enter your card details." in page_text(response)
    assert CheckoutPayment.objects.count() == 0


def test_card_refusals_read_in_the_shoppers_language(
    client, argan_oil, shipping_reference_data
):
    """A French shopper reads why in French, never the payment service's
    English ("Your card was declined.")."""
    shopper = Shopper(client, language="fr")
    card_checkout(shopper, argan_oil)
    response = shopper.place(card=CARD_DECLINED)
    text = page_text(response)
    assert "Paiement refusé : votre carte a été refusée par votre banque." in text
    assert "Your card was declined" not in text

    shopper.place(card=CARD_3DS)
    payment = CheckoutPayment.objects.exclude(status="failed").get()
    authenticate(payment, success=False)
    text = page_text(shopper.return_from_bank(payment.reference))
    assert "votre banque n’a pas confirmé le paiement (3-D Secure)" in text
    assert "authentication" not in text
