"""Requests for quote, as the company's buyers make them: a draft by SKU or from
a product page, minimum quantities in whole packs, delivery and incoterm, an
attachment, submission, the thread with the office; who may see what."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.wholesale.models import QuoteMessage, QuoteRequest, QuoteStatus, StatusChange
from shop.wholesale.services.requests import (
    RequestRefused,
    request_create,
    request_line_set,
    request_lines_check,
    request_message_post,
    request_submit,
)
from tests.factories import ProductFactory, StockRecordFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

S = QuoteStatus
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def argan(db):
    """Argan oil in packs of 12, at least 48 units (4 packs); 100 in stock."""
    product = ProductFactory(
        title="Huile d'argane 250 ml",
        upc="ARG-250",
        wholesale_pack_size=12,
        minimum_order_quantity=48,
        stockrecords=[],
    )
    StockRecordFactory(product=product, partner=WarehouseFactory(), num_in_stock=100)
    return product


@pytest.fixture
def saffron(db):
    return ProductFactory(
        title="Safran de Taliouine 1 g",
        upc="SAF-001",
        wholesale_pack_size=10,
        minimum_order_quantity=10,
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, **kwargs) -> str:
    return reverse(name, kwargs=kwargs or None)


def later(days=30) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def page(response) -> str:
    return response.content.decode()


def draft_of(company, buyer, *lines, **fields) -> QuoteRequest:
    request = request_create(company=company, by=buyer)
    for product, packs in lines:
        request_line_set(request=request, product=product, packs=packs, by=buyer)
    fields.setdefault("delivery_date", later())
    QuoteRequest.objects.filter(pk=request.pk).update(**fields)
    request.refresh_from_db()
    return request


def details(**changes) -> dict:
    data = {
        "delivery_date": later().isoformat(),
        "delivery_city": "Casablanca",
        "delivery_country": "MA",
        "incoterm": "",
        "notes": "",
    }
    return {**data, **changes}


# Numbers, drafts, lines ------------------------------------------------------


def test_requests_are_numbered_per_year_and_start_as_drafts(chain, buyer, importer):
    """RFQ-<year>-00001, then 00002…; a draft delivered to the company's city
    and country, in the company's currency (EUR for an importer)."""
    year = timezone.localdate().year
    first = request_create(company=chain, by=buyer)
    second = request_create(company=chain, by=buyer)
    assert (first.number, second.number) == (f"RFQ-{year}-00001", f"RFQ-{year}-00002")
    assert first.status == S.DRAFT
    assert (first.delivery_city, first.delivery_country_id, first.currency) == (
        "Casablanca",
        "MA",
        "MAD",
    )
    exported = request_create(company=importer, by=buyer)
    assert (exported.delivery_country_id, exported.currency) == ("FR", "EUR")
    assert exported.number == f"RFQ-{year}-00003"


@pytest.mark.parametrize(
    ("packs", "message"),
    [
        (
            3,
            "Huile d'argane 250 ml: the minimum order is 48 units, i.e. 4 packs "
            "of 12; you asked for 36 units.",
        ),
        (
            "4.5",
            "Huile d'argane 250 ml comes in whole packs of 12 units: enter a whole "
            "number of packs.",
        ),
        (0, "Huile d'argane 250 ml: ask for at least one pack."),
        ("-2", "Huile d'argane 250 ml: ask for at least one pack."),
        ("beaucoup", "Huile d'argane 250 ml: enter a number of packs."),
        (100_001, "Huile d'argane 250 ml: at most 100000 packs in one request."),
    ],
)
def test_lines_need_whole_packs_reaching_the_minimum_order(
    argan, packs, message, english
):
    """The minimum order is in units; buyers ask for whole packs."""
    [problem] = request_lines_check(lines=[(argan, packs)])
    assert problem.message == message
    assert request_lines_check(lines=[(argan, 4)]) == []
    assert request_lines_check(lines=[(argan, "5")]) == []


def test_a_line_below_the_minimum_is_refused_and_nothing_is_kept(
    chain, buyer, argan, english
):
    request = request_create(company=chain, by=buyer)
    with pytest.raises(RequestRefused, match="the minimum order is 48 units"):
        request_line_set(request=request, product=argan, packs=2, by=buyer)
    assert not request.lines.exists()


def test_more_than_the_stock_may_be_asked(chain, buyer, argan):
    """100 units in stock; 50 packs (600 units) are asked: the office sources them."""
    request = request_create(company=chain, by=buyer)
    request_line_set(request=request, product=argan, packs=50, by=buyer)
    line = request.lines.get()
    assert (line.packs, line.pack_size, line.units) == (50, 12, 600)


def test_a_buyer_adds_changes_and_removes_lines_by_sku(chain, buyer, argan, english):
    """On the draft's page: a SKU and packs add a line (a wrong SKU or too few
    packs are told, with what was typed kept), the packs can be changed and
    the line removed."""
    client = signed_in(buyer)
    request = request_create(company=chain, by=buyer)
    request_url = url("wholesale:request", pk=request.pk)

    response = client.post(request_url, {"add": "", "code": "NOPE-1", "packs": "4"})
    assert "No product has the SKU “NOPE-1”." in page(response)
    response = client.post(request_url, {"add": "", "code": "arg-250", "packs": "2"})
    assert "the minimum order is 48 units, i.e. 4 packs of 12" in page(response)
    assert 'value="arg-250"' in page(response)
    assert not request.lines.exists()

    response = client.post(
        request_url, {"add": "", "code": "arg-250", "packs": "5"}, follow=True
    )
    assert "Huile d&#x27;argane 250 ml added." in page(response)
    line = request.lines.get()
    assert line.packs == 5

    response = client.post(request_url, {"line": line.pk, "packs": "6.5"})
    assert "comes in whole packs of 12 units" in page(response)
    client.post(request_url, {"line": line.pk, "packs": "8", "update": ""})
    line.refresh_from_db()
    assert line.packs == 8

    response = client.post(
        request_url, {"line": line.pk, "packs": "8", "remove": ""}, follow=True
    )
    assert "Huile d&#x27;argane 250 ml removed." in page(response)
    assert not request.lines.exists()


def test_a_product_page_adds_to_the_buyers_current_draft(
    chain, buyer, argan, saffron, english
):
    """The product page's "Request a quote" opens a confirmation (the
    product's pack and minimum, packs prefilled with the minimum); confirming
    adds it to the buyer's latest draft, opening one when there is none."""
    client = signed_in(buyer)
    response = client.get(url("wholesale:request-add"), {"product": argan.pk})
    text = page(response)
    assert "Huile d&#x27;argane 250 ml" in text
    assert "12 units per pack" in text
    assert 'name="packs" value="4"' in text

    response = client.post(
        url("wholesale:request-add"), {"product": argan.pk, "packs": "4"}, follow=True
    )
    draft = QuoteRequest.objects.get(company=chain)
    assert response.redirect_chain[-1][0] == url("wholesale:request", pk=draft.pk)
    assert f"Huile d&#x27;argane 250 ml added to request {draft.number}." in page(
        response
    )
    client.post(url("wholesale:request-add"), {"product": saffron.pk, "packs": "1"})
    assert QuoteRequest.objects.filter(company=chain).count() == 1
    assert {line.product for line in draft.lines.all()} == {argan, saffron}

    response = client.post(
        url("wholesale:request-add"), {"product": argan.pk, "packs": "1"}
    )
    assert "the minimum order is 48 units" in page(response)
    assert draft.lines.get(product=argan).packs == 4


def test_a_parent_or_unknown_product_cannot_be_added(chain, buyer, english):
    parent = ProductFactory(structure="parent", stockrecords=[])
    client = signed_in(buyer)
    for product in (parent.pk, 999_999):
        response = client.post(
            url("wholesale:request-add"), {"product": product, "packs": "1"}
        )
        assert response.status_code == 200
        assert "This product is not sold any more." in page(response)
    response = client.get(url("wholesale:request-add"), {"product": "abc"})
    assert response.status_code == 200
    assert not QuoteRequest.objects.exists()


# Details, attachment ------------------------------------------------------


def test_a_new_request_starts_with_its_delivery_details(chain, buyer, english):
    client = signed_in(buyer)
    response = client.get(url("wholesale:request-new"))
    assert 'value="Casablanca"' in page(response)
    response = client.post(
        url("wholesale:request-new"),
        details(delivery_city="Tanger", notes="Livraison quai 4"),
        follow=True,
    )
    request = QuoteRequest.objects.get(company=chain)
    assert "started: add the products you want quoted" in page(response)
    assert (request.delivery_city, request.notes, request.status) == (
        "Tanger",
        "Livraison quai 4",
        S.DRAFT,
    )


def test_past_dates_and_exports_without_incoterm_are_refused(chain, buyer, english):
    """A past delivery date, or a delivery abroad without an incoterm, is told
    on the form; what was typed stays; nothing is saved."""
    client = signed_in(buyer)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url("wholesale:request-new"),
        details(delivery_date=yesterday, delivery_country="FR", notes="Palettes"),
    )
    text = page(response)
    assert "The requested delivery date is past: choose another." in text
    assert "Choose an incoterm: the goods leave Morocco." in text
    assert "Palettes" in text
    assert not QuoteRequest.objects.exists()

    response = client.post(
        url("wholesale:request-new"),
        details(delivery_country="FR", delivery_city="Lyon", incoterm="FCA"),
    )
    request = QuoteRequest.objects.get()
    assert (request.delivery_country_id, request.incoterm) == ("FR", "FCA")


def test_an_attachment_is_kept_under_its_name_and_checked_by_content(
    chain, buyer, colleague, english, django_capture_on_commit_callbacks
):
    """A PDF is stored under a random name and downloaded, by any buyer of the
    company, under the buyer's file name; a text file named .pdf is refused
    and the details typed with it are not saved."""
    client = signed_in(buyer)
    request = request_create(company=chain, by=buyer)
    request_url = url("wholesale:request", pk=request.pk)
    fake = SimpleUploadedFile("liste.pdf", b"not a pdf at all")
    response = client.post(
        request_url, {**details(notes="Voir pièce jointe"), "attachment": fake}
    )
    assert "whatever its name says" in page(response)
    request.refresh_from_db()
    assert (request.notes, request.attachment.name) == ("", "")

    pdf = SimpleUploadedFile("Liste Marjane été.pdf", PDF)
    client.post(request_url, {**details(), "attachment": pdf})
    request.refresh_from_db()
    assert request.attachment_name == "Liste Marjane été.pdf"
    assert re.search(r"/[0-9a-f]{32}\.pdf$", request.attachment.name)

    download = signed_in(colleague).get(
        url("wholesale:request-attachment", pk=request.pk)
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"

    stored = request.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(request_url, {**details(), "attachment_remove": "on"})
    request.refresh_from_db()
    assert request.attachment.name == ""
    assert not request.attachment.storage.exists(stored)


# Submitting -------------------------------------------------------------------


def test_a_buyer_submits_a_complete_draft(
    chain, buyer, argan, english, django_capture_on_commit_callbacks
):
    """Submitted: the status and who did it are recorded, the draft can no
    longer be changed, and the buyer gets a confirmation in the company's
    language."""
    request = draft_of(chain, buyer, (argan, 5))
    client = signed_in(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("wholesale:request-submit", pk=request.pk), follow=True
        )
    assert f"Request {request.number} sent to the office" in page(response)
    request.refresh_from_db()
    assert request.status == S.SUBMITTED
    assert request.submitted_at is not None
    change = StatusChange.objects.get(request=request)
    assert (change.from_status, change.to_status, change.by) == (
        S.DRAFT,
        S.SUBMITTED,
        buyer,
    )
    [email] = mail.outbox
    assert email.to == [buyer.email]
    assert email.extra_headers["Content-Language"] == "fr"
    assert request.number in email.subject
    assert f"/fr/wholesale/requests/{request.pk}/" in email.body

    response = client.post(
        url("wholesale:request", pk=request.pk),
        {"add": "", "code": "ARG-250", "packs": "10"},
        follow=True,
    )
    assert "it can no longer be changed" in page(response)
    assert request.lines.get().packs == 5
    with pytest.raises(RequestRefused, match="can no longer be changed"):
        request_line_set(request=request, product=argan, packs=9, by=buyer)
    response = client.post(url("wholesale:request-submit", pk=request.pk), follow=True)
    assert "can no longer be changed" in page(response)


def test_details_typed_before_submitting_are_saved_with_it(
    chain, buyer, argan, english
):
    """ "Save and submit" keeps what was typed: bad details are told and the
    draft stays; good ones are saved and the request submitted."""
    request = draft_of(chain, buyer, (argan, 4), delivery_date=None)
    client = signed_in(buyer)
    submit_url = url("wholesale:request-submit", pk=request.pk)
    response = client.post(
        submit_url, details(delivery_country="DE", delivery_city="Hambourg")
    )
    assert "Choose an incoterm: the goods leave Morocco." in page(response)
    assert 'value="Hambourg"' in page(response)
    request.refresh_from_db()
    assert request.status == S.DRAFT
    client.post(
        submit_url,
        details(delivery_country="DE", delivery_city="Hambourg", incoterm="CIF"),
    )
    request.refresh_from_db()
    assert (request.status, request.delivery_city, request.incoterm) == (
        S.SUBMITTED,
        "Hambourg",
        "CIF",
    )


def test_an_incomplete_draft_is_not_submitted(chain, buyer, argan, english):
    """Every reason is told at once: no products, a delivery date now past
    (set days ago), no city, an export without incoterm; the draft stays."""
    request = draft_of(
        chain,
        buyer,
        delivery_date=timezone.localdate() - datetime.timedelta(days=2),
        delivery_city="",
        delivery_country_id="ES",
    )
    response = signed_in(buyer).post(
        url("wholesale:request-submit", pk=request.pk), follow=True
    )
    text = page(response)
    for message in (
        "Add at least one product to the request.",
        "The requested delivery date is past: choose another.",
        "Enter the delivery city.",
        "Choose an incoterm: the goods leave Morocco.",
    ):
        assert message in text
    request.refresh_from_db()
    assert request.status == S.DRAFT
    assert not mail.outbox


def test_a_minimum_raised_after_adding_is_checked_at_submission(
    chain, buyer, argan, english
):
    request = draft_of(chain, buyer, (argan, 4))
    argan.minimum_order_quantity = 120
    argan.save()
    with pytest.raises(RequestRefused, match="the minimum order is 120 units"):
        request_submit(request=request, by=buyer)


# The thread ----------------------------------------------------------------


def submitted(company, buyer, *lines) -> QuoteRequest:
    request = draft_of(company, buyer, *lines)
    request_submit(request=request, by=buyer)
    request.refresh_from_db()
    return request


def test_messages_are_plain_text_on_both_sides(
    chain, buyer, colleague, office, argan, english, django_capture_on_commit_callbacks
):
    """A buyer's message with HTML shows as text, never runs; the office's
    answer shows on the buyer's page and is emailed to the buyer."""
    request = submitted(chain, buyer, (argan, 4))
    mail.outbox.clear()
    response = signed_in(colleague).post(
        url("wholesale:request-message", pk=request.pk),
        {"body": "<script>alert('x')</script> <b>Urgent</b>"},
        follow=True,
    )
    text = page(response)
    assert "Message sent to the office." in text
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &lt;b&gt;Urgent&lt;/b&gt;"
        in (text)
    )
    assert "<script>alert" not in text
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        office_page = signed_in(office).post(
            url("dashboard:wholesale-quote-message", pk=request.pk),
            {"body": "Nous vérifions le stock.\n<img src=x onerror=alert(1)>"},
            follow=True,
        )
    assert "Message sent to the buyer." in page(office_page)
    assert "&lt;script&gt;alert" in page(office_page)
    assert "<img src=x" not in page(office_page)
    [email] = mail.outbox
    assert email.to == [buyer.email]
    assert "Nous vérifions le stock." in email.body

    text = page(signed_in(buyer).get(url("wholesale:request", pk=request.pk)))
    assert "Nous vérifions le stock.<br>&lt;img src=x onerror=alert(1)&gt;" in text
    assert [m.from_office for m in QuoteMessage.objects.order_by("pk")] == [
        False,
        True,
    ]


def test_empty_or_draft_messages_are_refused(chain, buyer, office, argan, english):
    draft = draft_of(chain, buyer, (argan, 4))
    with pytest.raises(RequestRefused, match="Submit the request first"):
        request_message_post(
            request=draft, author=buyer, body="Bonjour", from_office=False
        )
    request = submitted(chain, buyer, (argan, 4))
    response = signed_in(buyer).post(
        url("wholesale:request-message", pk=request.pk), {"body": "   "}
    )
    assert "This field is required." in page(response)
    with pytest.raises(RequestRefused, match="Only office staff"):
        request_message_post(
            request=request, author=buyer, body="Je suis le bureau", from_office=True
        )
    assert not QuoteMessage.objects.exists()


# Who sees what -------------------------------------------------------------


def test_every_buyer_of_the_company_sees_its_requests(
    chain, buyer, colleague, argan, english
):
    mine = submitted(chain, buyer, (argan, 4))
    response = signed_in(colleague).get(url("wholesale:requests"))
    text = page(response)
    assert mine.number in text
    assert "Quote sent" not in text
    assert "Submitted" in text
    response = signed_in(colleague).get(url("wholesale:request", pk=mine.pk))
    assert "Huile d&#x27;argane 250 ml" in page(response)


def test_another_companys_request_is_not_found(
    chain, buyer, importer_buyer, argan, english
):
    """Every page and action on a request of another company is a 404, and
    changes nothing."""
    request = submitted(chain, buyer, (argan, 4))
    request.attachment.save("x.pdf", SimpleUploadedFile("x.pdf", PDF))
    other = signed_in(importer_buyer)
    for name, method in [
        ("wholesale:request", "get"),
        ("wholesale:request", "post"),
        ("wholesale:request-submit", "post"),
        ("wholesale:request-message", "post"),
        ("wholesale:request-attachment", "get"),
    ]:
        response = getattr(other, method)(
            url(name, pk=request.pk), {"body": "Bonjour"} if method == "post" else {}
        )
        assert response.status_code == 404, name
    assert not QuoteMessage.objects.exists()
    assert request.number not in page(other.get(url("wholesale:requests")))


def test_only_approved_buyers_request_quotes(
    chain, buyer, retail_customer, staff_a, office, argan, english
):
    """Retail customers, store staff and office staff (without a company) are
    refused the buyer's pages with the shop's 403; visitors are sent to sign
    in; a deactivated company's buyers are refused too."""
    request = submitted(chain, buyer, (argan, 4))
    pages = [
        url("wholesale:requests"),
        url("wholesale:request-new"),
        url("wholesale:request-add") + f"?product={argan.pk}",
        url("wholesale:request", pk=request.pk),
        url("wholesale:request-attachment", pk=request.pk),
    ]
    for user in (retail_customer, staff_a, office):
        client = signed_in(user)
        for address in pages:
            response = client.get(address)
            assert response.status_code == 403, (user, address)
            assert 'id="forbidden"' in page(response)
        response = client.post(
            url("wholesale:request-add"), {"product": argan.pk, "packs": "4"}
        )
        assert response.status_code == 403
    for address in pages:
        response = Client().get(address)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    chain.is_active = False
    chain.save()
    assert signed_in(buyer).get(pages[0]).status_code == 403
    assert QuoteRequest.objects.count() == 1


def test_the_buyers_home_lists_the_latest_requests(chain, buyer, argan, english):
    request = submitted(chain, buyer, (argan, 4))
    response = signed_in(buyer).get(url("wholesale:dashboard"))
    text = page(response)
    assert request.number in text
    assert url("wholesale:request-new") in text


def test_request_lines_keep_the_pack_size_asked(chain, buyer, argan):
    """A pack size changed in the catalogue later leaves the request's units."""
    request = submitted(chain, buyer, (argan, 4))
    argan.wholesale_pack_size = 24
    argan.save()
    assert request.lines.get().units == 48
    assert Decimal(request.lines.get().units) == Decimal("48")


@pytest.fixture
def countries(transactional_db):
    """Countries back before the companies (a transactional test before this
    one may have flushed them)."""
    from shop.shipping.services import shipping_countries_ensure

    shipping_countries_ensure()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_requests_started_at_the_same_moment_get_distinct_numbers(
    countries, chain, english
):
    """Six buyers opening a request at once: six numbers, none lost or shared."""
    from shop.wholesale.models import Membership
    from tests.concurrency import at_once
    from tests.factories import MembershipFactory

    buyers = [MembershipFactory(company=chain).user for _ in range(6)]
    results = at_once(
        [(lambda user=user: request_create(company=chain, by=user)) for user in buyers],
        refused=RequestRefused,
    )
    year = timezone.localdate().year
    assert sorted(r.number for r in results) == [
        f"RFQ-{year}-{n:05d}" for n in range(1, 7)
    ]
    assert Membership.objects.count() == 6
