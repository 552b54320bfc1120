"""Stripe webhook endpoint (the only CSRF-exempt view: Stripe signs instead)."""

import logging

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.payments.gateways import gateway_for
from shop.payments.types import InvalidWebhook
from shop.payments.webhooks import stripe_event_process

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = gateway_for("card").parse_webhook(
            request.body, request.headers.get("Stripe-Signature", "")
        )
    except InvalidWebhook as error:
        logger.warning("Rejected Stripe webhook: %s", error)
        # The reason helps whoever configures the endpoint; it names no secret.
        return HttpResponseBadRequest(
            f"Invalid webhook: {error}", content_type="text/plain"
        )
    processed = stripe_event_process(event=event)
    return HttpResponse("processed" if processed else "duplicate")
