"""Office staff payment actions on the dashboard order page, and who may use them."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from oscar.apps.order.models import Order
from oscar.test.factories import UserFactory

from tests.factories import PilotStoreFactory
from tests.shop.checkout_journey import CARD_OK, page_text, stripe_get, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    user = UserFactory(is_staff=True, email="office@terroir.ma")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="order", codename__in=["view_order", "change_order"]
        )
    )
    return user


def place(shopper, product, method, quantity=1):
    shopper.up_to_payment([(product, quantity)], shipping="standard")
    shopper.pay_by(method)
    shopper.place(card=CARD_OK if method == "card" else None)
    return Order.objects.get()


def act(client, order, action, **data):
    return client.post(
        url("payments:order-action", number=order.number, action=action),
        data,
        follow=True,
    )


def test_office_staff_sees_payment_and_marks_cash_on_delivery_paid(
    shopper, argan_oil, office, client
):
    """The order page shows the method; "Mark as paid" records the cash once."""
    order = place(shopper, argan_oil, "cash_on_delivery")
    client.force_login(office)
    page = client.get(url("dashboard:order-detail", number=order.number))
    assert "Cash on delivery" in page_text(page)
    assert "Mark as paid" in page_text(page)

    response = act(client, order, "mark-paid")

    assert "Payment recorded." in page_text(response)
    assert order.sources.get().amount_debited == order.total_incl_tax
    again = act(client, order, "mark-paid")
    assert "already marked as paid" in page_text(again)
    assert order.payment_events.count() == 1


@pytest.mark.parametrize(
    ("language", "done"),
    [
        ("fr", "Paiement enregistré."),
        ("ar", "تم تسجيل الدفعة."),
        ("en", "Payment recorded."),
    ],
)
def test_payment_messages_are_in_the_language_of_the_dashboard(
    shopper, argan_oil, office, client, language, done
):
    """The confirmation follows the language staff work in, whichever came first."""
    order = place(shopper, argan_oil, "cash_on_delivery")
    client.force_login(office)

    response = client.post(
        url("payments:order-action", language, number=order.number, action="mark-paid"),
        follow=True,
    )

    assert done in page_text(response)


@pytest.mark.parametrize("role", ["customer", "store_staff"])
def test_other_roles_cannot_use_payment_actions(shopper, argan_oil, client, role):
    """Customers and store staff are turned away; nothing changes."""
    order = place(shopper, argan_oil, "cash_on_delivery")
    user = UserFactory(email=f"{role}@example.ma")
    if role == "store_staff":
        PilotStoreFactory().users.add(user)
        user.user_permissions.add(Permission.objects.get(codename="dashboard_access"))
    client.force_login(user)

    response = client.post(
        url("payments:order-action", number=order.number, action="mark-paid")
    )

    assert response.status_code == 403
    assert order.payment_events.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(shopper, argan_oil, client):
    """Without a login the action redirects to the login page."""
    order = place(shopper, argan_oil, "cash_on_delivery")
    client.logout()
    response = client.post(
        url("payments:order-action", number=order.number, action="cancel")
    )
    assert "/accounts/login/" in response["Location"]
    assert order.status == "Pending"


def test_cancelling_a_card_order_refunds_and_releases_stock(
    shopper, argan_oil, office, client, local_stripe
):
    """Cancel: the captured money goes back, stock is free again, status Cancelled."""
    order = place(shopper, argan_oil, "card", quantity=3)
    record = argan_oil.stockrecords.get()
    assert record.num_allocated == 3
    client.force_login(office)

    response = act(client, order, "cancel")

    assert "Order cancelled, stock released." in page_text(response)
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == "Cancelled"
    assert record.num_allocated == 0
    intent = stripe_get(f"/v1/payment_intents/{order.checkout_payment.reference}")
    assert intent["latest_charge"]["amount_refunded"] == 39500
    assert order.sources.get().amount_refunded == Decimal("395.00")


def test_cancelling_a_cash_order_releases_stock(shopper, argan_oil, office, client):
    """A cash-on-delivery order cancelled by staff frees its units."""
    order = place(shopper, argan_oil, "cash_on_delivery", quantity=2)
    client.force_login(office)
    act(client, order, "cancel")
    assert argan_oil.stockrecords.get().num_allocated == 0
    again = act(client, order, "cancel")
    assert "already cancelled" in page_text(again)


def test_partial_then_excessive_refund(
    shopper, argan_oil, office, client, local_stripe
):
    """Staff refund part of a card order; refunding more than is left is refused."""
    order = place(shopper, argan_oil, "card")
    client.force_login(office)

    done = act(client, order, "refund", amount="50.00")
    too_much = act(client, order, "refund", amount="200")
    garbage = act(client, order, "refund", amount="fifty")

    assert "Refund of 50.00 sent." in page_text(done)
    assert "You can refund between 0.01 and 105.00." in page_text(too_much)
    assert "Enter the amount to refund" in page_text(garbage)
    intent = stripe_get(f"/v1/payment_intents/{order.checkout_payment.reference}")
    assert intent["latest_charge"]["amount_refunded"] == 5000
    assert order.sources.get().amount_refunded == Decimal("50.00")
