"""Online click & collect and the store's counter racing for the shelf's last
units (PostgreSQL, real threads): never oversold, every loser told why."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shop.instore.models import CounterSale
from shop.instore.services import sales
from shop.instore.services.drawer import drawer_session_open
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import (
    PilotStoreFactory,
    ProductFactory,
    StockRecordFactory,
    StoreStaffFactory,
)
from tests.shop.checkout_journey import Shopper, page_text, url

SHOPPERS = 6
COUNTER_SALES = 6
UNITS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_online_and_counter_buyers_race_for_the_last_units():
    """Four units on the shelf, six online shoppers collecting there and six
    counter sales taking one each at the same moment: four sales in all, the
    eight others refused with a message (no HTTP 500), the shelf at zero."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    store = PilotStoreFactory(name="Boutique Casablanca", code="casa-race")
    honey = ProductFactory(title="Miel d'euphorbe", upc="6111245599999")
    shelf = StockRecordFactory(product=honey, partner=store, num_in_stock=UNITS)
    staff = StoreStaffFactory(store=store)
    drawer_session_open(store=store, opening_float=Decimal("100.00"), by=staff)

    shoppers = []
    for number in range(SHOPPERS):
        shopper = Shopper(Client(), email=f"acheteur{number}@example.ma")
        shopper.up_to_payment([(honey, 1)], shipping=f"click-collect-{store.pk}")
        shopper.pay_by("pay_at_pickup")
        shoppers.append(shopper)
    counters = []
    for _ in range(COUNTER_SALES):
        sale = sales.sale_open(store=store, by=staff)
        sales.sale_line_add(sale=sale, product=honey, quantity=1, by=staff)
        client = Client()
        client.force_login(staff)
        counters.append((client, sale))

    start = threading.Barrier(SHOPPERS + COUNTER_SALES)
    answers = []

    def online(shopper):
        try:
            start.wait()
            response = shopper.client.post(
                url("checkout:preview"), {"action": "place_order"}, follow=True
            )
            answers.append(("online", response.status_code, page_text(response)))
        finally:
            connection.close()

    def counter(client, sale):
        try:
            start.wait()
            with translation.override("en"):
                pay = reverse(
                    "instore:sale-pay", kwargs={"store": store.code, "pk": sale.pk}
                )
            response = client.post(
                pay, {"method": "cash", "cash_tendered": "200.00"}, follow=True
            )
            answers.append(("counter", response.status_code, page_text(response)))
        finally:
            connection.close()

    threads = [threading.Thread(target=online, args=(s,)) for s in shoppers] + [
        threading.Thread(target=counter, args=pair) for pair in counters
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == SHOPPERS + COUNTER_SALES
    assert {status for _, status, _ in answers} <= {200, 400}
    won_online = [a for a in answers if a[0] == "online" and "thank-you" in a[2]]
    won_counter = CounterSale.objects.filter(status=CounterSale.Status.PLACED).count()
    refused = [
        a
        for a in answers
        if "no longer available" in a[2] or "on this store's shelf" in a[2]
    ]
    shelf.refresh_from_db()
    # Taken away at the counter: off the shelf; collected later: held for them.
    assert shelf.num_in_stock == UNITS - won_counter
    assert shelf.num_allocated == UNITS - won_counter
    assert shelf.net_stock_level == 0
    assert len(refused) == SHOPPERS + COUNTER_SALES - UNITS
    assert won_counter + shelf.num_allocated == UNITS
    assert len(won_online) + won_counter <= UNITS
