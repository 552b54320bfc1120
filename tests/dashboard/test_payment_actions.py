"""The order page's money actions, used by the office staff role itself
(the demo's office staff were refused them with a bare 403)."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.dashboard.conftest import web_order
from tests.shop.checkout_journey import stripe_get

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def text(response) -> str:
    return html.unescape(response.content.decode())


def act(client, order, action, **data):
    return client.post(
        reverse(
            "payments:order-action", kwargs={"number": order.number, "action": action}
        ),
        data,
        follow=True,
    )


def test_office_staff_mark_a_cash_on_delivery_order_paid(
    shopper, argan_oil, office, client
):
    """The button is on the order page; pressing it records the cash, once."""
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    client.force_login(office)
    page = text(client.get(reverse("dashboard:order-detail", args=[order.number])))
    assert "Mark as paid" in page

    response = act(client, order, "mark-paid")

    assert response.status_code == 200
    assert "Payment recorded." in text(response)
    # 120 + 35 shipping + 15 cash-on-delivery fee
    assert order.sources.get().amount_debited == Decimal("170.00")


def test_office_staff_refund_part_of_a_card_order(
    shopper, argan_oil, office, client, local_stripe
):
    """50.00 of a 155.00 card order goes back to the card; the rest stays."""
    order = web_order(shopper, argan_oil, "card")
    client.force_login(office)

    response = act(client, order, "refund", amount="50.00")

    assert "Refund of 50.00 sent." in text(response)
    intent = stripe_get(f"/v1/payment_intents/{order.checkout_payment.reference}")
    assert intent["latest_charge"]["amount_refunded"] == 5000
    assert order.sources.get().amount_refunded == Decimal("50.00")
    assert "You can refund between 0.01 and 105.00." in text(
        act(client, order, "refund", amount="105.01")
    )


def test_office_staff_cancel_an_order_with_the_button(
    shopper, argan_oil, office, client
):
    """ "Cancel order" releases the stock and says so."""
    order = web_order(shopper, argan_oil, "cash_on_delivery", quantity=2)
    client.force_login(office)

    response = act(client, order, "cancel")

    assert "Order cancelled, stock released." in text(response)
    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert argan_oil.stockrecords.get().num_allocated == 0


@pytest.mark.parametrize("role", ["customer", "staff_a", "manager_a"])
@pytest.mark.parametrize("action", ["mark-paid", "refund", "cancel"])
def test_customers_and_store_staff_are_refused_the_money_actions(
    request, shopper, argan_oil, client, role, action
):
    """They get the shop's refusal page; no money or stock moves."""
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    client.force_login(request.getfixturevalue(role))

    response = client.post(
        reverse(
            "payments:order-action", kwargs={"number": order.number, "action": action}
        ),
        {"amount": "10.00"},
    )

    assert response.status_code == 403
    assert "You do not have access to this page." in text(response)
    order.refresh_from_db()
    assert order.status == "Pending"
    assert order.payment_events.count() == 0
    assert argan_oil.stockrecords.get().num_allocated == 1
