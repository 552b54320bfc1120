"""Office staff send an order's confirmation email again from its dashboard
page: in the language the customer checked out in, recorded in the audit
trail; refused for orders that never get one and for anyone but office staff."""

import html

import pytest
from django.core import mail
from django.test import Client

from shop.audit.models import AuditEntry
from tests.dashboard.conftest import counter_order, web_order
from tests.shop.checkout_journey import Shopper, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

RESEND = {"order_action": "confirmation_send_again"}


def detail(order) -> str:
    # In English whatever language the customer's checkout left active.
    return url("dashboard:order-detail", "en", number=order.number)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_office_staff_send_an_arabic_order_its_arabic_confirmation_again(
    argan_oil, office, client, django_capture_on_commit_callbacks
):
    shopper = Shopper(Client(), email="amal@example.ma", language="ar")
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    mail.outbox.clear()
    client.force_login(office)

    page = text(client.get(detail(order)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail(order), RESEND, follow=True)

    assert "Send the confirmation email again" in page
    assert (
        f"Order {order.number}: the confirmation email will be sent again to "
        "amal@example.ma." in text(response)
    )
    (email,) = mail.outbox
    assert email.to == ["amal@example.ma"]
    assert order.number in email.body
    assert "طلبكم يحتوي على:" in email.body  # "Your order contains:"
    entry = AuditEntry.objects.get(order=order, action="confirmation_resent")
    assert entry.actor == office
    assert entry.after == {"email": "amal@example.ma"}


def test_a_counter_sale_gets_no_confirmation_to_send_again(
    argan_oil, store_a, manager_a, office, client, django_capture_on_commit_callbacks
):
    order = counter_order(store=store_a, product=argan_oil, by=manager_a)
    order.guest_email = "passant@example.ma"
    order.save(update_fields=["guest_email"])
    mail.outbox.clear()
    client.force_login(office)

    page = text(client.get(detail(order)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail(order), RESEND, follow=True)

    assert "Send the confirmation email again" not in page
    assert "Orders of this channel get no confirmation email" in text(response)
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="confirmation_resent").exists()


@pytest.mark.parametrize("role", ["customer", "staff_a", "manager_a"])
def test_only_office_staff_may_send_a_confirmation_again(
    request, shopper, argan_oil, client, role, django_capture_on_commit_callbacks
):
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    mail.outbox.clear()
    client.force_login(request.getfixturevalue(role))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail(order), RESEND)

    assert response.status_code == 403
    assert mail.outbox == []


def test_staff_who_may_only_view_orders_are_not_offered_it_and_are_refused(
    shopper, argan_oil, client, django_capture_on_commit_callbacks
):
    from tests.factories import OfficeStaffFactory

    order = web_order(shopper, argan_oil, "cash_on_delivery")
    mail.outbox.clear()
    client.force_login(OfficeStaffFactory(permissions=["order.view_order"]))

    page = text(client.get(detail(order)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail(order), RESEND)

    assert "Send the confirmation email again" not in page
    assert response.status_code == 403
    assert mail.outbox == []
