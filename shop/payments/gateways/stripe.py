"""Stripe card payments: PaymentIntents with manual capture.

The only module that imports `stripe`. A client is built per call from settings
so tests and the demo can point STRIPE_API_BASE at localstripe.
"""

import json
import time
from collections.abc import Iterator
from decimal import Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from shop.payments.types import (
    GatewayError,
    InvalidWebhook,
    PaymentDeclined,
    PaymentRequest,
    PaymentResult,
    PaymentStatus,
    WebhookEvent,
    from_minor_units,
    to_minor_units,
)

INTENT_STATUSES = {
    "requires_capture": PaymentStatus.AUTHORIZED,
    "requires_action": PaymentStatus.REQUIRES_ACTION,
    "succeeded": PaymentStatus.CAPTURED,
    "canceled": PaymentStatus.CANCELLED,
    "requires_payment_method": PaymentStatus.FAILED,
    "requires_confirmation": PaymentStatus.FAILED,
    "processing": PaymentStatus.PENDING,
}

# Stripe's own default: how far a signature's timestamp may be from our clock.
WEBHOOK_TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE


def _event_parts(payload: bytes) -> tuple[dict, str, str]:
    """Return an event's object, id and type, refusing any other shape."""
    try:
        event = json.loads(payload)
    except ValueError as error:
        raise InvalidWebhook("Payload is not JSON") from error
    if not isinstance(event, dict):
        raise InvalidWebhook("Payload is not a JSON object")
    event_id, event_type = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id:
        raise InvalidWebhook("Event has no id")
    if not isinstance(event_type, str) or not event_type:
        raise InvalidWebhook("Event has no type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise InvalidWebhook("Event has no data.object")
    return obj, event_id, event_type


def refusal_message(*, code: str = "", decline_code: str = "") -> str:
    """Why a card was refused, in the shopper's language.

    Stripe's own message is English whatever the page: the codes it sends
    with it are translated here, anything else reads as a plain refusal.
    """
    reasons = {
        "insufficient_funds": _("the card's balance or limit is too low."),
        "expired_card": _("the card has expired."),
        "incorrect_cvc": _("the card's security code is wrong."),
        "incorrect_number": _("the card number is wrong."),
        "processing_error": _("the bank could not process it; try again."),
        "payment_intent_authentication_failure": _(
            "your bank did not confirm the payment (3-D Secure)."
        ),
    }
    reason = reasons.get(decline_code) or reasons.get(code)
    return reason or _("your card was declined by your bank.")


def _client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    # The library waits 80 s for an answer: a hanging Stripe would hold the
    # shopper until gunicorn kills the worker, instead of saying so.
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def _result(intent: dict, amount_refunded: int) -> PaymentResult:
    currency = intent["currency"].upper()
    error = intent.get("last_payment_error") or {}
    return PaymentResult(
        reference=intent["id"],
        status=INTENT_STATUSES.get(intent["status"], PaymentStatus.FAILED),
        amount=from_minor_units(intent["amount"], currency),
        currency=currency,
        amount_refunded=from_minor_units(amount_refunded, currency),
        client_secret=intent.get("client_secret") or "",
        error=refusal_message(
            code=error.get("code", ""), decline_code=error.get("decline_code", "")
        )
        if error
        else "",
        metadata=dict(intent.get("metadata") or {}),
    )


def _call(function, *args, **kwargs):
    """Call the Stripe API, mapping its errors onto Oscar's payment exceptions."""
    try:
        return function(*args, **kwargs)
    except stripe.CardError as error:
        raise PaymentDeclined(
            refusal_message(
                code=error.code or "", decline_code=getattr(error, "decline_code", "")
            )
        ) from error
    except stripe.StripeError as error:
        raise GatewayError(error.user_message or str(error)) from error


class StripeGateway:
    code = "card"

    def authorize(self, request: PaymentRequest) -> PaymentResult:
        """Hold the amount on the card behind a Stripe.js token; capture comes later.

        The idempotency key is derived from the order number (and the token, so a
        retry with another card is a new attempt): a double submit of the same
        card returns the same intent instead of holding the money twice.
        """
        client = _client()
        token = _call(client.v1.tokens.retrieve, request.payment_token)
        intent = _call(
            client.v1.payment_intents.create,
            params={
                "amount": to_minor_units(request.amount, request.currency),
                "currency": request.currency.lower(),
                "capture_method": "manual",
                "payment_method": token.card.id,
                "confirm": True,
                "metadata": {
                    "order_number": request.order_number,
                    "basket_id": str(request.basket_id),
                },
            },
            options={
                "idempotency_key": f"order-{request.order_number}-{token.id}",
            },
        )
        return self._expand(client, intent)

    def retrieve(self, reference: str) -> PaymentResult:
        client = _client()
        return self._expand(
            client, _call(client.v1.payment_intents.retrieve, reference)
        )

    def capture(self, reference: str, amount: Decimal | None = None) -> PaymentResult:
        client = _client()
        params = {}
        if amount is not None:
            current = self.retrieve(reference)
            params["amount_to_capture"] = to_minor_units(amount, current.currency)
        intent = _call(
            client.v1.payment_intents.capture,
            reference,
            params=params,
            options={"idempotency_key": f"capture-{reference}"},
        )
        return self._expand(client, intent)

    def cancel(self, reference: str) -> PaymentResult:
        client = _client()
        return self._expand(client, _call(client.v1.payment_intents.cancel, reference))

    def refund(self, reference: str, amount: Decimal) -> PaymentResult:
        client = _client()
        current = self.retrieve(reference)
        _call(
            client.v1.refunds.create,
            params={
                "payment_intent": reference,
                "amount": to_minor_units(amount, current.currency),
            },
        )
        return self.retrieve(reference)

    def payments_since(self, *, created_after: int) -> Iterator[PaymentResult]:
        """Every PaymentIntent created since a Unix time, page after page."""
        client = _client()
        page = _call(
            client.v1.payment_intents.list,
            params={"limit": 100, "created": {"gte": created_after}},
        )
        for intent in page.auto_paging_iter():
            # Checked here too: localstripe lists everything it holds.
            if intent.created >= created_after:
                yield _result(intent.to_dict(), 0)

    def parse_webhook(self, payload: bytes, signature: str) -> WebhookEvent:
        """Verify the signature with Stripe's own code and name the intent concerned."""
        try:
            stripe.WebhookSignature.verify_header(
                payload,
                signature,
                settings.STRIPE_WEBHOOK_SECRET,
                WEBHOOK_TOLERANCE_SECONDS,
            )
        except stripe.SignatureVerificationError as error:
            raise InvalidWebhook(str(error)) from error
        # Stripe's check only refuses old timestamps: a signed event dated in
        # the future could be replayed until long after its tolerance.
        signed_at, _signatures = stripe.WebhookSignature._get_timestamp_and_signatures(
            signature, stripe.WebhookSignature.EXPECTED_SCHEME
        )
        if signed_at > time.time() + WEBHOOK_TOLERANCE_SECONDS:
            raise InvalidWebhook("Timestamp in the future, outside the tolerance zone")
        obj, event_id, event_type = _event_parts(payload)
        reference = (
            obj.get("payment_intent")
            if obj.get("object") == "charge"
            else obj.get("id")
        )
        if not isinstance(reference, str):
            reference = ""
        return WebhookEvent(id=event_id, type=event_type, reference=reference)

    def _expand(self, client, intent) -> PaymentResult:
        """Read the latest charge too, for the refunded amount."""
        data = intent.to_dict()
        charge = data.get("latest_charge")
        if isinstance(charge, str):
            charge = _call(client.v1.charges.retrieve, charge).to_dict()
        return _result(data, (charge or {}).get("amount_refunded", 0))
