"""Thirty shoppers racing for ten units: ten orders, twenty clear refusals."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from oscar.apps.order.models import Order

from shop.payments.models import CheckoutPayment
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import ProductFactory
from tests.shop.checkout_journey import (
    CARD_OK,
    Shopper,
    card_token,
    page_text,
    stripe_list,
    url,
)

SHOPPERS = 30
UNITS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_card_checkouts_for_ten_units(local_stripe):
    """Exactly 10 orders; the 20 others told "no longer available"; no stray charge."""
    started = int(time.time()) - 1
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    saffron = ProductFactory(
        title="Safran de Taliouine", stockrecords__num_in_stock=UNITS
    )
    shoppers = []
    for number in range(SHOPPERS):
        shopper = Shopper(Client(), email=f"acheteur{number}@example.ma")
        shopper.up_to_payment([(saffron, 1)], shipping="standard")
        shopper.pay_by("card")
        shoppers.append((shopper, card_token(CARD_OK)))

    start = threading.Barrier(SHOPPERS)
    answers = [None] * SHOPPERS

    def checkout(index, shopper, token):
        try:
            start.wait()
            response = shopper.client.post(
                url("checkout:preview"),
                {"action": "place_order", "card_token": token},
                follow=True,
            )
            answers[index] = (response.redirect_chain, page_text(response))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=checkout, args=(index, shopper, token))
        for index, (shopper, token) in enumerate(shoppers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    placed = [a for a in answers if a[0] and "thank-you" in a[0][-1][0]]
    refused = [a for a in answers if "no longer available" in a[1]]
    assert len(placed) == UNITS
    assert len(refused) == SHOPPERS - UNITS
    assert Order.objects.count() == UNITS

    record = saffron.stockrecords.get()
    assert (record.num_in_stock, record.num_allocated) == (UNITS, UNITS)

    # What localstripe holds: money captured only for placed orders, none held.
    intents = [
        intent
        for intent in stripe_list("/v1/payment_intents")
        if intent["created"] >= started
    ]
    order_numbers = set(Order.objects.values_list("number", flat=True))
    captured = [i for i in intents if i["status"] == "succeeded"]
    assert sorted(i["metadata"]["order_number"] for i in captured) == sorted(
        order_numbers
    )
    assert {i["status"] for i in intents} <= {"succeeded", "canceled"}
    assert CheckoutPayment.objects.filter(order__isnull=False).count() == UNITS
