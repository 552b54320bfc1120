"""Stripe webhooks: signatures, deduplication, and reconciling lost browsers."""

import json
import time
import urllib.request
from decimal import Decimal

import pytest
import stripe
from django.conf import settings
from django.core import mail
from django.test import Client
from oscar.apps.order.models import Order

from shop.payments import local_stripe
from shop.payments.models import CheckoutPayment, StripeEvent
from shop.payments.webhooks import HANDLED_TYPES
from tests.factories import ProductFactory
from tests.shop.checkout_journey import (
    CARD_3DS,
    CARD_OK,
    intent_status,
    page_text,
    stripe_get,
    stripe_post,
)
from tests.shop.test_payments_card import authenticate, card_checkout

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_stripe")]
WEBHOOK = "/payments/stripe/webhook/"


def signed(payload: bytes, *, secret=None, timestamp=None) -> str:
    """Sign as Stripe does, with the Stripe library's own test helper."""
    return stripe.WebhookSignature.generate_signature_header(
        payload.decode(),
        secret or settings.STRIPE_WEBHOOK_SECRET,
        timestamp=int(timestamp or time.time()),
    )


def event_for(obj: dict, type_: str, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{obj['id']}_{type_}",
            "object": "event",
            "type": type_,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


def deliver(payload: bytes, signature: str | None = None):
    client = Client(enforce_csrf_checks=True)
    headers = {} if signature == "" else {"HTTP_STRIPE_SIGNATURE": signature}
    if signature is None:
        headers = {"HTTP_STRIPE_SIGNATURE": signed(payload)}
    return client.post(WEBHOOK, payload, content_type="application/json", **headers)


def abandoned_after_authentication(shopper, product, quantity=1):
    """A shopper who authenticated at the bank but never came back to the shop."""
    card_checkout(shopper, product, quantity)
    shopper.place(card=CARD_3DS)
    payment = CheckoutPayment.objects.get()
    authenticate(payment, success=True)
    return payment


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "t=1,v1=deadbeef",
        "wrong-secret",
        "stale",
        "future",
    ],
    ids=["missing", "garbage", "wrong-secret", "stale", "future"],
)
def test_untrusted_webhooks_are_rejected_and_change_nothing(
    shopper, argan_oil, signature
):
    """Without a valid, fresh signature: 400, no event recorded, no order placed."""
    payment = abandoned_after_authentication(shopper, argan_oil)
    intent = stripe_get(f"/v1/payment_intents/{payment.reference}")
    payload = event_for(intent, "payment_intent.amount_capturable_updated")
    if signature == "wrong-secret":
        signature = signed(payload, secret="whsec_someone_else")
    elif signature == "stale":
        signature = signed(payload, timestamp=time.time() - 3600)
    elif signature == "future":
        signature = signed(payload, timestamp=time.time() + 3600)

    response = deliver(payload, signature)

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"[1, 2]", "not a JSON object"),
        (b'"payment_intent.succeeded"', "not a JSON object"),
        (b"{not json", "not JSON"),
        (b'{"id": "evt_1", "type": "charge.refunded"}', "no data.object"),
        (
            b'{"id": "evt_1", "type": "charge.refunded", "data": {"object": "ch_1"}}',
            "no data.object",
        ),
        (b'{"type": "charge.refunded", "data": {"object": {}}}', "no id"),
    ],
)
def test_signed_but_badly_shaped_events_are_refused_with_a_reason(payload, reason):
    """A correctly signed body that is no Stripe event: 400 saying why, not a 500."""
    response = deliver(payload)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert StripeEvent.objects.count() == 0


def test_reconciliation_places_the_order_of_a_lost_browser(
    shopper, argan_oil, django_capture_on_commit_callbacks
):
    """An authorised intent whose shopper vanished still becomes one paid order."""
    payment = abandoned_after_authentication(shopper, argan_oil, quantity=2)
    intent = stripe_get(f"/v1/payment_intents/{payment.reference}")

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(
            event_for(intent, "payment_intent.amount_capturable_updated")
        )

    assert response.status_code == 200
    order = Order.objects.get()
    assert order.number == payment.order_number
    assert order.total_incl_tax == Decimal("275.00")
    assert intent_status(payment.reference) == "succeeded"
    assert mail.outbox[0].to == ["salma@example.ma"]

    # The shopper's browser finally comes back: same order, nothing duplicated.
    back = shopper.return_from_bank(payment.reference)
    assert order.number in page_text(back)
    assert Order.objects.count() == 1
    assert order.payment_events.filter(event_type__code="captured").count() == 1


def test_replaying_an_event_100_times_changes_state_once(shopper, argan_oil):
    """Deduplication by event id: one order, one capture, one event row."""
    payment = abandoned_after_authentication(shopper, argan_oil)
    intent = stripe_get(f"/v1/payment_intents/{payment.reference}")
    payload = event_for(intent, "payment_intent.amount_capturable_updated")

    answers = [deliver(payload).content for _ in range(100)]

    assert answers.count(b"processed") == 1
    assert answers.count(b"duplicate") == 99
    assert StripeEvent.objects.count() == 1
    order = Order.objects.get()
    assert order.payment_events.filter(event_type__code="captured").count() == 1


def test_reconciliation_without_stock_flags_for_staff_and_releases_the_card(shopper):
    """If the basket is no longer valid, the hold is cancelled and staff alerted."""
    saffron = ProductFactory(title="Safran de Taliouine", stockrecords__num_in_stock=1)
    payment = abandoned_after_authentication(shopper, saffron)
    saffron.stockrecords.get().allocate(1)
    intent = stripe_get(f"/v1/payment_intents/{payment.reference}")

    deliver(event_for(intent, "payment_intent.amount_capturable_updated"))

    payment.refresh_from_db()
    assert Order.objects.count() == 0
    assert payment.status == CheckoutPayment.Status.NEEDS_ATTENTION
    assert "Safran de Taliouine" in payment.attention_reason  # stock gone, named
    assert intent_status(payment.reference) == "canceled"


def test_refund_made_at_stripe_is_recorded_once(shopper, argan_oil):
    """charge.refunded: the refunded amount appears on the order, replay-safe."""
    card_checkout(shopper, argan_oil)
    shopper.place(card=CARD_OK)
    order = Order.objects.get()
    reference = order.checkout_payment.reference
    stripe_post("/v1/refunds", {"payment_intent": reference, "amount": 5000})
    intent = stripe_get(f"/v1/payment_intents/{reference}")
    charge = intent["latest_charge"]  # localstripe always expands it
    if isinstance(charge, str):
        charge = stripe_get(f"/v1/charges/{charge}")

    payload = event_for(charge, "charge.refunded")
    deliver(payload)
    deliver(payload)

    refunds = order.payment_events.filter(event_type__code="refunded")
    assert [event.amount for event in refunds] == [Decimal("50.00")]
    assert order.sources.get().amount_refunded == Decimal("50.00")


def test_failed_and_cancelled_intents_close_the_pending_payment(shopper, argan_oil):
    """payment_intent.canceled closes a checkout that never got an order."""
    card_checkout(shopper, argan_oil)
    shopper.place(card=CARD_3DS)
    payment = CheckoutPayment.objects.get()
    intent = stripe_post(f"/v1/payment_intents/{payment.reference}/cancel")

    deliver(event_for(intent, "payment_intent.canceled"))

    payment.refresh_from_db()
    assert payment.status == CheckoutPayment.Status.CANCELLED
    assert Order.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_localstripe_signed_webhooks_are_accepted(shopper, argan_oil, live_server):
    """Events localstripe signs and sends itself pass the real verification."""
    local_stripe.webhook_register(
        server_url=settings.STRIPE_API_BASE,
        target_url=f"{live_server.url}{WEBHOOK}",
        secret=settings.STRIPE_WEBHOOK_SECRET,
        events=sorted(HANDLED_TYPES),
    )
    try:
        card_checkout(shopper, argan_oil)
        shopper.place(card=CARD_OK)
        reference = Order.objects.get().checkout_payment.reference
        deadline = time.monotonic() + 15
        ours = StripeEvent.objects.filter(reference=reference)
        while time.monotonic() < deadline and not ours.exists():
            time.sleep(0.2)
    finally:
        # Stop deliveries to this test's server, and let any delivery already
        # on its way (localstripe waits 1 s before sending) land before the
        # database is flushed under it.
        local_stripe_webhook_silence()
        time.sleep(1.5)

    assert ours.get().type == "payment_intent.succeeded"
    order = Order.objects.get()
    assert order.payment_events.filter(event_type__code="captured").count() == 1
    assert order.checkout_payment.status == CheckoutPayment.Status.PLACED


def local_stripe_webhook_silence() -> None:
    """Subscribe the webhook to no event (localstripe cannot delete one)."""
    config = {"url": "http://127.0.0.1:9/", "secret": "unused", "events": []}
    request = urllib.request.Request(  # noqa: S310
        f"{settings.STRIPE_API_BASE}/_config/webhooks/terroir",
        data=json.dumps(config).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=5).close()  # noqa: S310
