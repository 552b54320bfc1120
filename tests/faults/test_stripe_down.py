"""The card payment service stopped, hanging, or gone in the middle of a checkout:
shoppers read what happened, nothing is placed or charged twice, and card
checkouts work again once it is back."""

import runpy
import time

import pytest
from django.test import Client
from oscar.apps.order.models import Order

from shop.payments.models import CheckoutPayment
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import ProductFactory
from tests.faults.conftest import dead_url
from tests.shop.checkout_journey import (
    CARD_3DS,
    CARD_OK,
    Shopper,
    card_token,
    intent_status,
    page_text,
    stripe_get,
    stripe_post,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_stripe")]

UNAVAILABLE = "The card payment service did not answer; nothing was charged."


@pytest.fixture
def shopper_at_preview():
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    argan = ProductFactory(title="Huile d'argane", stockrecords__num_in_stock=5)
    shopper = Shopper(Client())
    shopper.up_to_payment([(argan, 1)], shipping="standard")
    shopper.pay_by("card")
    return shopper


def place_with(shopper, token):
    return shopper.client.post(
        "/en/shop/checkout/preview/",
        {"action": "place_order", "card_token": token},
        follow=True,
    )


def assert_one_captured_order():
    order = Order.objects.get()
    assert order.payment_events.filter(event_type__code="captured").count() == 1
    assert intent_status(order.checkout_payment.reference) == "succeeded"


def test_stripe_stopped_then_back(shopper_at_preview, settings):
    """Stopped: told nothing was charged, no order; back: the same checkout pays."""
    running = settings.STRIPE_API_BASE
    token = card_token(CARD_OK)  # Stripe.js ran before the service went down
    settings.STRIPE_API_BASE = dead_url()

    response = place_with(shopper_at_preview, token)

    assert response.status_code == 200
    assert UNAVAILABLE in page_text(response)
    assert Order.objects.count() == 0

    settings.STRIPE_API_BASE = running
    response = place_with(shopper_at_preview, card_token(CARD_OK))
    assert "thank-you" in response.redirect_chain[-1][0]
    assert_one_captured_order()


def test_stripe_hanging_gives_up_within_the_timeout(
    shopper_at_preview, settings, hanging_server
):
    """A Stripe that accepts and never answers costs the shopper the timeout,
    not a worker killed by gunicorn: a clear message, then paying works."""
    running = settings.STRIPE_API_BASE
    token = card_token(CARD_OK)
    settings.STRIPE_API_BASE = hanging_server.url
    settings.STRIPE_TIMEOUT_SECONDS = 1
    settings.STRIPE_MAX_NETWORK_RETRIES = 0

    started = time.monotonic()
    response = place_with(shopper_at_preview, token)

    assert time.monotonic() - started < 5
    assert UNAVAILABLE in page_text(response)
    assert Order.objects.count() == 0

    settings.STRIPE_API_BASE = running
    place_with(shopper_at_preview, card_token(CARD_OK))
    assert_one_captured_order()


def test_stripe_gone_when_the_shopper_returns_from_the_bank(
    shopper_at_preview, settings
):
    """The card was confirmed at the bank but Stripe is down when the shopper
    comes back: a clear message, the money held is not lost; once Stripe is
    back, coming back again places the order once and captures once."""
    running = settings.STRIPE_API_BASE
    place_with(shopper_at_preview, card_token(CARD_3DS))
    payment = CheckoutPayment.objects.get()
    intent = stripe_get(f"/v1/payment_intents/{payment.reference}")
    stripe_post(
        f"/v1/payment_intents/{payment.reference}/_authenticate?success=true",
        {"client_secret": intent["client_secret"]},
    )
    settings.STRIPE_API_BASE = dead_url()

    response = shopper_at_preview.return_from_bank(payment.reference)

    assert response.status_code == 200
    assert "could not confirm your card payment" in page_text(response)
    assert Order.objects.count() == 0

    settings.STRIPE_API_BASE = running
    response = shopper_at_preview.return_from_bank(payment.reference)
    assert "thank-you" in response.redirect_chain[-1][0]
    assert_one_captured_order()


def test_a_hanging_stripe_gives_up_before_gunicorn_kills_the_worker(settings):
    """Every attempt of a call, with the library's waits between them, ends
    within gunicorn's worker timeout: the shopper reads the message instead of
    a dropped connection."""
    gunicorn = runpy.run_path(str(settings.BASE_DIR / "shop" / "gunicorn.conf.py"))
    retries = settings.STRIPE_MAX_NETWORK_RETRIES
    # stripe-python waits 0.5 s, then twice as long each time, at most 5 s.
    waits = sum(min(0.5 * 2**attempt, 5) for attempt in range(retries))
    assert (retries + 1) * settings.STRIPE_TIMEOUT_SECONDS + waits < gunicorn["timeout"]
