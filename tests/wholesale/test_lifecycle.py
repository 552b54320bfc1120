"""The wholesale lifecycle through its pages, as each person does it: apply,
approve, invite a colleague, request, quote, revise, accept, pay, reorder."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.wholesale.models import (
    Application,
    Company,
    Invitation,
    Membership,
    QuoteRequest,
    QuoteStatus,
    StatusChange,
)
from tests.factories import (
    CustomerFactory,
    ProductFactory,
    StockRecordFactory,
    WarehouseFactory,
)
from tests.wholesale.test_applications import MOROCCAN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Order = get_model("order", "Order")
S = QuoteStatus


@pytest.fixture
def argan(db):
    """Argan oil in packs of 12 (at least 4 packs), 300 in stock, 120 MAD retail."""
    product = ProductFactory(
        title="Huile d'argane 250 ml",
        upc="ARG-250",
        hs_code="15159011",
        wholesale_pack_size=12,
        minimum_order_quantity=48,
        stockrecords=[],
    )
    StockRecordFactory(
        product=product,
        partner=WarehouseFactory(),
        num_in_stock=300,
        price=Decimal("120.00"),
    )
    return product


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def test_from_application_to_reorder(argan, office, django_capture_on_commit_callbacks):
    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {}, follow=True)
        assert response.status_code == 200, url
        return response

    today = timezone.localdate()

    # A shopper applies for their company.
    applicant = CustomerFactory(email="achats@albaraka.ma")
    shopper = signed_in(applicant)
    post(shopper, reverse("wholesale:apply"), MOROCCAN)
    application = Application.objects.get(applicant=applicant)
    assert application.status == Application.Status.PENDING
    assert shopper.get(reverse("wholesale:request-new")).status_code == 403

    # The office approves it; the applicant is told and becomes the admin.
    desk = signed_in(office)
    mail.outbox.clear()
    post(
        desk, reverse("dashboard:wholesale-application-approve", args=[application.pk])
    )
    company = Company.objects.get(name="Épicerie Al Baraka")
    assert Membership.objects.get(user=applicant).is_admin
    assert [email.to for email in mail.outbox] == [["achats@albaraka.ma"]]

    # The admin invites a colleague, who joins from the emailed link.
    mail.outbox.clear()
    post(shopper, reverse("wholesale:account-invite"), {"email": "stock@albaraka.ma"})
    invitation = Invitation.objects.get(company=company)
    (invitation_email,) = mail.outbox
    link = reverse("wholesale:invitation", args=[invitation.token])
    assert link in invitation_email.body
    colleague = CustomerFactory(email="stock@albaraka.ma")
    teammate = signed_in(colleague)
    post(teammate, link)
    assert Membership.objects.get(user=colleague).company == company

    # The colleague drafts a request: delivery first, then a line by SKU; too
    # few packs are refused, five packs (60 units) are kept; then submits.
    response = post(
        teammate,
        reverse("wholesale:request-new"),
        {
            "delivery_date": (today + datetime.timedelta(days=21)).isoformat(),
            "delivery_city": "Casablanca",
            "delivery_country": "MA",
            "incoterm": "",
            "notes": "Livraison sur palette",
        },
    )
    request = QuoteRequest.objects.get(company=company)
    page = reverse("wholesale:request", args=[request.pk])
    response = teammate.post(page, {"add": "", "code": "ARG-250", "packs": "2"})
    assert "the minimum order is 48 units, i.e. 4 packs of 12" in text(response)
    post(teammate, page, {"add": "", "code": "ARG-250", "packs": "5"})
    post(teammate, reverse("wholesale:request-submit", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == S.SUBMITTED

    # The office prices it from the queue at 90.00 a unit and sends version 1.
    queue = desk.get(reverse("dashboard:wholesale-quotes"))
    assert request.number in text(queue)
    (line,) = request.lines.all()

    def send(price):
        return post(
            desk,
            reverse("dashboard:wholesale-quote", args=[request.pk]),
            {
                f"packs-{line.pk}": "5",
                f"price-{line.pk}": price,
                "delivery_price": "250.00",
                "valid_until": (today + datetime.timedelta(days=14)).isoformat(),
                "payment_terms": "prepaid",
                "message": "Prix pour une livraison groupée.",
            },
        )

    send("90.00")
    request.refresh_from_db()
    assert request.status == S.QUOTED

    # The admin (not the one who asked) finds it too expensive and asks for a
    # revision; the office sends version 2 at 85.00.
    post(
        shopper,
        reverse("wholesale:quote-revise", args=[request.pk]),
        {"version": "1", "message": "Pouvez-vous faire 85 MAD ?"},
    )
    request.refresh_from_db()
    assert request.status == S.REVISION_REQUESTED
    send("85.00")
    response = shopper.get(page)
    assert "Version 2" in text(response)

    # Accepting version 1 is refused; version 2 places one order at 85.00.
    response = post(
        shopper, reverse("wholesale:quote-accept", args=[request.pk]), {"version": "1"}
    )
    assert "replaced by version 2" in text(response)
    assert not Order.objects.exists()
    post(
        shopper, reverse("wholesale:quote-accept", args=[request.pk]), {"version": "2"}
    )
    post(
        shopper, reverse("wholesale:quote-accept", args=[request.pk]), {"version": "2"}
    )
    order = Order.objects.get()
    assert order.status == "Awaiting payment"
    assert order.origin.channel == "wholesale"
    assert order.lines.get().unit_price_incl_tax == Decimal("85.00")
    # 5 packs × 12 units × 85.00 = 5,100.00, + 250.00 delivery.
    assert order.total_incl_tax == Decimal("5350.00")
    proforma = teammate.get(reverse("wholesale:proforma-pdf", args=[request.pk]))
    assert proforma["Content-Type"] == "application/pdf"

    # The transfer arrives: the office records it from the order's page.
    post(
        desk,
        reverse("dashboard:wholesale-order-paid", kwargs={"number": order.number}),
        {"reference": "VIR-2026-0042"},
    )
    order.refresh_from_db()
    assert order.status == "Being processed"
    assert order.payment_events.get().amount == Decimal("5350.00")

    # The colleague orders the same again: a new draft with the same packs.
    post(teammate, reverse("wholesale:request-reorder", args=[request.pk]))
    draft = QuoteRequest.objects.exclude(pk=request.pk).get(company=company)
    assert draft.status == S.DRAFT
    assert list(draft.lines.values_list("product", "packs")) == [(argan.pk, 5)]

    # Every move was recorded with who made it.
    moves = [
        (change.from_status, change.to_status, change.by)
        for change in StatusChange.objects.filter(request=request).order_by("pk")
    ]
    assert moves == [
        (S.DRAFT, S.SUBMITTED, colleague),
        (S.SUBMITTED, S.QUOTED, office),
        (S.QUOTED, S.REVISION_REQUESTED, applicant),
        (S.REVISION_REQUESTED, S.QUOTED, office),
        (S.QUOTED, S.ACCEPTED, applicant),
        (S.ACCEPTED, S.CONVERTED, applicant),
    ]
    assert re.fullmatch(r"RFQ-\d{4}-\d{5}", draft.number)
