"""Order confirmation: email in the shopper's language, store details, account."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from oscar.apps.analytics.models import UserRecord
from oscar.apps.order.models import Order
from oscar.test.factories import UserFactory

from shop.partner.models import OpeningPeriod
from tests.shop.checkout_journey import Shopper, page_text, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_reference_data")]


def test_email_is_in_the_language_of_the_checkout(
    argan_oil, django_capture_on_commit_callbacks
):
    """A shopper checking out in French gets a French confirmation."""
    shopper = Shopper(Client(), language="fr")
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard")
    shopper.pay_by("cash_on_delivery")
    with django_capture_on_commit_callbacks(execute=True):
        shopper.place()

    body = mail.outbox[0].body
    assert "Votre commande contient :" in body
    assert Order.objects.get().number in body


def test_click_and_collect_email_names_the_store_and_hours(
    shopper, argan_oil, casablanca_store, django_capture_on_commit_callbacks
):
    """The email says where to collect, when the store opens, and how to pay."""
    OpeningPeriod.objects.create(
        partner=casablanca_store, weekday=5, opens="10:00", closes="13:00"
    )
    shopper.up_to_payment(
        [(argan_oil, 1)], shipping=f"click-collect-{casablanca_store.pk}"
    )
    shopper.pay_by("pay_at_pickup")
    with django_capture_on_commit_callbacks(execute=True):
        shopper.place()

    body = mail.outbox[0].body
    assert "Collect your order at:" in body
    assert "Boutique Casablanca" in body
    assert "12 boulevard d'Anfa, Casablanca" in body
    assert "Saturday 10:00–13:00" in body
    assert "Payment method: Pay at pickup" in body
    assert "&#x27;" not in body  # plain text, not HTML-escaped


def customer_orders(client, customer, product, language="fr"):
    shopper = Shopper(client, email=customer.email, language=language)
    shopper.add(product, 1)
    shopper.client.get(url("checkout:index", language))
    shopper.address()
    shopper.ship_by("standard")
    shopper.pay_by("cash_on_delivery")
    shopper.place()
    return Order.objects.filter(user=customer).latest("pk")


def test_customer_sees_the_order_and_its_status_in_the_account(argan_oil):
    """A signed-in customer sees the order and its status in French in the account."""
    customer = UserFactory(email="client@terroir.ma")
    client = Client()
    client.force_login(customer)
    order = customer_orders(client, customer, argan_oil)

    history = client.get(url("customer:order-list", "fr"))
    detail = client.get(url("customer:order", "fr", order_number=order.number))
    in_arabic = client.get(url("customer:order-list", "ar"))

    assert order.status == "Pending"
    assert order.number in page_text(history)
    assert "En attente" in page_text(history)
    assert "En attente" in page_text(detail)
    assert "Pending" not in page_text(detail)
    assert "قيد الانتظار" in page_text(in_arabic)


def test_a_customer_delivery_address_is_kept_once_for_next_time(argan_oil):
    """Ordering twice to the same address keeps one address-book entry."""
    customer = UserFactory(email="client@terroir.ma")
    client = Client()
    client.force_login(customer)

    customer_orders(client, customer, argan_oil)
    customer_orders(client, customer, argan_oil)

    saved = customer.addresses.get()
    assert saved.num_orders_as_shipping_address == 2
    assert saved.line4 == Order.objects.first().shipping_address.line4
    assert saved.line4 in page_text(client.get(url("customer:address-list", "fr")))


def test_a_customer_order_counts_in_the_customer_statistics(argan_oil):
    """Each order adds to the customer's order, line, item and spending totals."""
    customer = UserFactory(email="client@terroir.ma")
    client = Client()
    client.force_login(customer)

    first = customer_orders(client, customer, argan_oil)
    second = customer_orders(client, customer, argan_oil)

    record = UserRecord.objects.get(user=customer)
    assert (record.num_orders, record.num_order_lines, record.num_order_items) == (
        2,
        2,
        2,
    )
    assert record.total_spent == first.total_incl_tax + second.total_incl_tax
    assert record.date_last_order == second.date_placed


def table_rows(response) -> list[str]:
    """Every table row of the page, as its cells' text on one line."""
    rows = page_text(response).split("<tr")[1:]
    return [
        " ".join(re.sub(r"<[^>]+>|^[^>]*>", " ", row).replace("\xa0", " ").split())
        for row in (row.split("</tr>")[0] for row in rows)
    ]


def test_the_cash_on_delivery_fee_is_in_every_total_the_customer_reads(argan_oil):
    """The account's order page, and the order status page a guest opens from
    the email, list the fee between delivery and the total, in the reader's
    language: the amounts shown add up to the total."""
    customer = UserFactory(email="client@terroir.ma")
    client = Client()
    client.force_login(customer)
    order = customer_orders(client, customer, argan_oil)
    fee = order.surcharges.get()
    assert fee.incl_tax == settings.COD_FEE
    assert order.total_incl_tax == (
        order.basket_total_incl_tax + order.shipping_incl_tax + fee.incl_tax
    )
    amount = f"{fee.incl_tax:.2f}".replace(".", ",")
    account = client.get(url("customer:order", "fr", order_number=order.number))
    assert f"Frais de paiement à la livraison {amount} MAD" in table_rows(account)

    guest = Shopper(Client(), email="invite@example.ma", language="ar")
    guest.up_to_payment([(argan_oil, 1)], shipping="standard")
    guest.pay_by("cash_on_delivery")
    guest.place()
    guest_order = Order.objects.get(guest_email="invite@example.ma")
    keys = {"order_number": guest_order.number, "hash": guest_order.verification_hash()}
    status = guest.client.post(
        url("customer:anon-order-form", "ar", **keys),
        {"email": "invite@example.ma"},
        follow=True,
    )
    assert status.request["PATH_INFO"] == url("customer:anon-order", "ar", **keys)
    rows = table_rows(status)
    assert any(
        # Arabic amounts are written with a decimal point.
        row.startswith("رسوم الدفع عند التسليم") and f"{fee.incl_tax:.2f}" in row
        for row in rows
    ), rows
    assert any(
        row.startswith("مجموع الطلب") and f"{guest_order.total_incl_tax:.2f}" in row
        for row in rows
    ), rows


def test_the_confirmation_says_how_the_order_is_paid_in_plain_words(
    argan_oil, casablanca_store
):
    """'Paiement au retrait : 120,00 MAD', not Oscar's 'Allocation of … from
    type … (reference: pay_at_pickup-…)' bookkeeping line."""
    shopper = Shopper(Client(), language="fr")
    shopper.up_to_payment(
        [(argan_oil, 1)], shipping=f"click-collect-{casablanca_store.pk}"
    )
    shopper.pay_by("pay_at_pickup")
    page = page_text(shopper.place())
    assert "Allocation" not in page
    assert "pay_at_pickup-" not in page
    assert re.search(r"Paiement au retrait\s*:\s*120,00\s*MAD", page), page


@pytest.mark.parametrize(
    ("language", "available", "gateway"),
    [
        ("fr", "En stock (50 disponibles)", "Identification"),
        ("ar", "متوفر (50 قطعة متاحة)", "التعريف بنفسك"),
    ],
)
def test_oscars_shopper_strings_read_well(argan_oil, language, available, gateway):
    """Oscar's own wording, where its catalogue lacks Arabic or reads badly in
    French: the stock line of the basket and the sign-in step's title."""
    shopper = Shopper(Client(), language=language)
    shopper.add(argan_oil, 1)
    basket = page_text(shopper.client.get(url("basket:summary", language)))
    assert available in basket
    step = page_text(shopper.client.get(url("checkout:index", language)))
    (title,) = re.findall(r"<title>\s*(.*?)\s*</title>", step, re.S)
    assert title.startswith(f"{gateway} |")


def test_an_order_is_placed_and_shown_while_the_mail_server_is_down(
    argan_oil, mail_server_down, caplog, django_capture_on_commit_callbacks
):
    """No mail server answers: the shopper still reaches the thank-you page of
    the order they placed; the order says, for office staff, that its
    confirmation was not sent, and the error is logged."""
    shopper = Shopper(Client(), language="fr")
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard")
    shopper.pay_by("cash_on_delivery")

    with django_capture_on_commit_callbacks(execute=True):
        page = shopper.place()

    order = Order.objects.get()
    assert page.status_code == 200
    assert order.number in page_text(page)
    assert any(
        order.number in record.getMessage() and record.levelname == "ERROR"
        for record in caplog.records
    )
    note = order.notes.get()
    assert note.note_type == "System"
    assert "salma@example.ma n'a pas pu être envoyé" in note.message
