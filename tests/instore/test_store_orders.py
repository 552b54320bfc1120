"""A store's orders at its counter: only its own (sold there or collected
there), with filters and search, and each order's page."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency

from shop.instore.services import sales
from shop.instore.services.collect import (
    PickupPayment,
    collect_handover,
    collect_ready,
)
from shop.instore.services.drawer import drawer_session_open
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import StockRecordFactory
from tests.instore.test_collect import collect_order_place, signed_in, text, url
from tests.shop.checkout_journey import Shopper

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def mad(amount: str) -> str:
    with translation.override("en"):
        return currency(Decimal(amount), "MAD")


@pytest.fixture
def drawer(store_a, staff_a):
    return drawer_session_open(
        store=store_a, opening_float=Decimal("100.00"), by=staff_a
    )


@pytest.fixture
def counter_sale(store_a, staff_a, saffron, drawer):
    """A take-away sale at store A's counter, 2 × saffron paid in cash."""
    sale = sales.sale_open(store=store_a, by=staff_a)
    sales.sale_line_add(sale=sale, product=saffron, quantity=2, by=staff_a)
    sales.sale_place(
        sale=sale,
        payment=sales.CounterPayment("cash", cash_tendered=Decimal("200.00")),
        by=staff_a,
    )
    sale.refresh_from_db()
    return sale


@pytest.fixture
def orders(store_a, store_b, argan_oil, counter_sale):
    """Store A: an online click & collect order and a counter sale; store B:
    a click & collect order; and an order delivered from a warehouse."""
    StockRecordFactory(product=argan_oil, partner=store_b, num_in_stock=5)
    collected = collect_order_place(store=store_a, product=argan_oil, quantity=2)
    elsewhere = collect_order_place(
        store=store_b, product=argan_oil, email="amina@example.ma"
    )
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    shopper = Shopper(Client(), email="youssef@example.ma")
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard")
    shopper.pay_by("cash_on_delivery")
    shopper.place()
    delivered = Order.objects.get(guest_email="youssef@example.ma")
    return {
        "collected": collected,
        "sold": counter_sale.order,
        "elsewhere": elsewhere,
        "delivered": delivered,
    }


def listed(client, store, **params) -> str:
    return text(client.get(url("instore:orders", store), params))


def test_staff_see_their_stores_orders_only(store_a, staff_a, orders):
    """Store A lists what it sold and what is collected there, not store B's
    orders nor orders delivered from a warehouse."""
    page = listed(signed_in(staff_a), store_a)

    assert orders["collected"].number in page
    assert orders["sold"].number in page
    assert orders["elsewhere"].number not in page
    assert orders["delivered"].number not in page
    assert "2 orders" in page
    assert mad("240.00") in page
    assert mad("190.00") in page
    assert "Online shop" in page
    assert "Pilot store counter" in page
    assert "salma@example.ma" in page


def test_filters_and_search_narrow_the_list(store_a, staff_a, orders):
    """Channel, status and dates filter; order number, email and phone number
    (typed any usual way) find an order."""
    staff = signed_in(staff_a)
    collected, sold = orders["collected"].number, orders["sold"].number
    Order.objects.filter(number=sold).update(
        date_placed=timezone.now() - datetime.timedelta(days=10)
    )
    five_days_ago = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()

    def numbers(**params):
        page = listed(staff, store_a, **params)
        return {n for n in (collected, sold) if n in page}

    assert numbers(channel="in_store") == {sold}
    assert numbers(channel="online") == {collected}
    assert numbers(status="Pending") == {collected}
    assert numbers(status="Complete") == {sold}
    assert numbers(placed_until=five_days_ago) == {sold}
    assert numbers(placed_from=five_days_ago) == {collected}
    assert numbers(q=collected[-4:]) == {collected}
    assert numbers(q="SALMA@example") == {collected}
    assert numbers(q="06 12 34 56 78") == {collected}
    assert numbers(q="+212 6 12 34 56 78") == {collected}
    assert "No order of this store matches." in listed(
        staff, store_a, q="nobody@example.ma"
    )


def test_bad_filters_are_explained_not_applied(store_a, staff_a, orders):
    """An impossible date or an unknown status is pointed out; the list still
    shows (unfiltered by it), never an error page."""
    staff = signed_in(staff_a)

    response = staff.get(
        url("instore:orders", store_a),
        {"placed_from": "2025-02-31", "status": "Lost", "channel": "in_store"},
    )

    assert response.status_code == 200
    page = text(response)
    assert "Enter a valid date." in page
    assert "Select a valid choice. Lost is not one of the available choices." in page
    assert orders["sold"].number in page
    assert orders["collected"].number not in page  # the valid filter applies
    assert staff.get(url("instore:orders", store_a), {"page": "x"}).status_code == 200


def test_the_order_page_shows_lines_totals_payment_and_history(
    store_a, staff_a, argan_oil, drawer
):
    """Lines and totals to the centime, the payment and its events, where the
    order comes from, and each status with its date and who acted."""
    order = collect_order_place(store=store_a, product=argan_oil, quantity=2)
    collect_ready(order=order, store=store_a, by=staff_a)
    collect_handover(
        order=order, store=store_a, payment=PickupPayment("cash"), by=staff_a
    )

    page = text(
        signed_in(staff_a).get(url("instore:order", store_a, number=order.number))
    )

    assert "Huile d'argane cosmétique 100 ml" in page
    assert "ARG-100-CAS" in page
    assert mad("120.00") in page
    assert page.count(mad("240.00")) >= 3  # line, order total, paid event
    assert "Pay at pickup" in page
    assert "Paid" in page
    assert "Online shop" in page
    assert "Collected at a store" in page
    assert "Ready for collection" in page
    assert "Complete" in page
    # Notes are written once, in the shop's default language (French).
    assert (
        "Remise au client à Boutique Casablanca ; paiement de 240.00 MAD en espèces."
        in page
    )
    assert "Youssef" in page  # the staff member who acted
    assert "salma@example.ma" in page
    assert "+212612345678" in page
    assert "Hand over" not in page  # done: no more actions


def test_a_counter_sale_links_to_its_receipt(store_a, staff_a, counter_sale):
    """A sale made at the counter offers a reprint of its receipt."""
    page = text(
        signed_in(staff_a).get(
            url("instore:order", store_a, number=counter_sale.order.number)
        )
    )

    with translation.override("en"):
        receipt = reverse(
            "instore:sale-receipt",
            kwargs={"store": store_a.code, "pk": counter_sale.pk},
        )
    assert f'href="{receipt}"' in page
    assert "Reprint the receipt" in page
    assert mad("190.00") in page


def test_another_stores_orders_stay_hidden(
    store_a, store_b, staff_b, office, customer, argan_oil
):
    """Store B's staff get 404 for store A's order under their store and 403 on
    store A's pages; office staff may open any store's; customers may not."""
    order = collect_order_place(store=store_a, product=argan_oil)
    staff = signed_in(staff_b)

    assert (
        staff.get(url("instore:order", store_b, number=order.number)).status_code == 404
    )
    assert (
        staff.get(url("instore:order", store_a, number=order.number)).status_code == 403
    )
    assert staff.get(url("instore:orders", store_a)).status_code == 403
    assert order.number not in listed(staff, store_b)
    assert signed_in(customer).get(url("instore:orders", store_a)).status_code == 403
    assert (
        signed_in(office)
        .get(url("instore:order", store_a, number=order.number))
        .status_code
        == 200
    )
    assert (
        staff.get(url("instore:order", store_b, number="no-such-order")).status_code
        == 404
    )


def test_the_list_costs_the_same_queries_for_20_orders(
    store_a, staff_a, argan_oil, saffron, django_assert_max_num_queries
):
    """Twenty orders are listed in a fixed number of queries."""
    store_a.stockrecords.update(num_in_stock=50)
    for number in range(20):
        collect_order_place(
            store=store_a,
            product=saffron if number % 2 else argan_oil,
            email=f"client{number}@example.ma",
        )
    staff = signed_in(staff_a)
    staff.get(url("instore:orders", store_a))

    # Session, user, store and permissions (7), the count and the page of
    # orders with their origin, customer and payment (2), notifications (1).
    with django_assert_max_num_queries(10):
        response = staff.get(url("instore:orders", store_a))

    assert "20 orders" in text(response)
