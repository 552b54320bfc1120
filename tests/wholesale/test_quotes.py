"""Quotes: the office's queue and pricing page, every version kept, and the
buyer's answers (accept, decline, ask for a revision); who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.apps.order.models import Order

from shop.wholesale.models import (
    PriceListItem,
    PriceTier,
    Quote,
    QuoteRequest,
    QuoteStatus,
    StatusChange,
)
from shop.wholesale.services.quotes import (
    payment_terms_allowed,
    quote_decline,
    quote_revision_request,
    quote_send,
    request_lines_to_price,
)
from shop.wholesale.services.requests import (
    RequestRefused,
    request_create,
    request_line_set,
    request_submit,
)
from shop.wholesale.services.states import TransitionRefused
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ProductFactory,
    StockRecordFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db

S = QuoteStatus


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(name="Entrepôt Casablanca")


@pytest.fixture
def argan(warehouse):
    """Argan oil in packs of 12 (minimum 48 units), 500 in stock, 120 MAD retail."""
    product = ProductFactory(
        title="Huile d'argane 250 ml",
        upc="ARG-250",
        hs_code="15159011",
        wholesale_pack_size=12,
        minimum_order_quantity=48,
        stockrecords=[],
    )
    StockRecordFactory(
        product=product, partner=warehouse, num_in_stock=500, price=Decimal("120.00")
    )
    return product


@pytest.fixture
def honey(warehouse):
    """Thyme honey in packs of 6, only 20 jars in stock."""
    product = ProductFactory(
        title="Miel de thym 500 g",
        upc="MIE-500",
        wholesale_pack_size=6,
        minimum_order_quantity=6,
        stockrecords=[],
    )
    StockRecordFactory(
        product=product, partner=warehouse, num_in_stock=20, price=Decimal("95.00")
    )
    return product


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, **kwargs) -> str:
    return reverse(name, kwargs=kwargs or None)


def page(response) -> str:
    return response.content.decode()


def days(n) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def submitted(company, buyer, *lines, **fields) -> QuoteRequest:
    request = request_create(company=company, by=buyer)
    for product, packs in lines:
        request_line_set(request=request, product=product, packs=packs, by=buyer)
    QuoteRequest.objects.filter(pk=request.pk).update(delivery_date=days(30), **fields)
    request.refresh_from_db()
    request_submit(request=request, by=buyer)
    request.refresh_from_db()
    return request


def sent(request, office, prices, *, valid_until=None, delivery=Decimal("0.00")):
    """Send a version pricing each line at `prices[product]` for its packs."""
    lines = [
        (line, line.packs, prices[line.product])
        for line in request.lines.select_related("product")
    ]
    return quote_send(
        request=request,
        lines=lines,
        delivery_price=delivery,
        valid_until=valid_until or days(14),
        payment_terms="prepaid",
        message="",
        by=office,
    )


def send_form(request, **changes) -> dict:
    data = {
        "delivery_price": "350.00",
        "valid_until": days(14).isoformat(),
        "payment_terms": "prepaid",
        "message": "",
    }
    for line in request.lines.all():
        data[f"packs-{line.pk}"] = str(line.packs)
        data[f"price-{line.pk}"] = ""
    return {**data, **changes}


# The office's queue -------------------------------------------------------


def test_the_queue_lists_requests_waiting_for_the_office_oldest_first(
    chain, buyer, importer, importer_buyer, office, argan, english
):
    """Submitted and revision-requested requests, the longest waiting first;
    drafts never; filters by status, company and waiting time."""
    old = submitted(chain, buyer, (argan, 4))
    QuoteRequest.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=10)
    )
    recent = submitted(importer, importer_buyer, (argan, 4), incoterm="FCA")
    answered = submitted(chain, buyer, (argan, 5))
    sent(answered, office, {argan: Decimal("80.00")})
    draft = request_create(company=chain, by=buyer)

    client = signed_in(office)
    text = page(client.get(url("dashboard:wholesale-quotes")))
    assert text.index(old.number) < text.index(recent.number)
    assert answered.number not in text
    assert draft.number not in text
    assert "2 requests, the longest waiting first" in text

    text = page(client.get(url("dashboard:wholesale-quotes"), {"status": "quoted"}))
    assert answered.number in text
    assert old.number not in text
    text = page(client.get(url("dashboard:wholesale-quotes"), {"status": "all"}))
    assert all(r.number in text for r in (old, recent, answered))
    assert draft.number not in text
    text = page(client.get(url("dashboard:wholesale-quotes"), {"company": importer.pk}))
    assert recent.number in text
    assert old.number not in text
    text = page(client.get(url("dashboard:wholesale-quotes"), {"waiting": "7"}))
    assert old.number in text
    assert recent.number not in text


def test_only_office_staff_price_and_send(
    chain, buyer, retail_customer, staff_a, office, argan, english
):
    """Buyers, customers and store staff get the shop's 403 on every quote
    page of the dashboard; visitors go to the dashboard's login; a draft is
    no page of the office's."""
    request = submitted(chain, buyer, (argan, 4))
    pages = [
        url("dashboard:wholesale-quotes"),
        url("dashboard:wholesale-quote", pk=request.pk),
        url("dashboard:wholesale-quote-attachment", pk=request.pk),
    ]
    for user in (buyer, retail_customer, staff_a):
        client = signed_in(user)
        for address in pages:
            response = client.get(address)
            assert response.status_code == 403, (user, address)
            assert 'id="forbidden"' in page(response)
        response = client.post(pages[1], send_form(request))
        assert response.status_code == 403
    for address in pages:
        response = Client().get(address)
        assert response.status_code == 302
        assert url("dashboard:login") in response["Location"]
    assert not Quote.objects.exists()
    draft = request_create(company=chain, by=buyer)
    response = signed_in(office).get(url("dashboard:wholesale-quote", pk=draft.pk))
    assert response.status_code == 404


# Pricing -----------------------------------------------------------------


def test_the_request_page_shows_stock_and_flags_short_lines(
    chain, buyer, office, argan, honey, english
):
    """5 packs of argan (60 units, 500 in stock) and 4 packs of honey (24
    jars, 20 in stock): the honey line is flagged short."""
    request = submitted(chain, buyer, (argan, 5), (honey, 4))
    rows = {
        row.request_line.product: row for row in request_lines_to_price(request=request)
    }
    assert (rows[argan].units, rows[argan].stock, rows[argan].short) == (60, 500, False)
    assert (rows[honey].units, rows[honey].stock, rows[honey].short) == (24, 20, True)
    text = page(signed_in(office).get(url("dashboard:wholesale-quote", pk=request.pk)))
    assert "1 line asks for more than the warehouses hold" in text
    assert text.count("quote-line--short") == 1
    assert "15159011" in text


def test_unit_prices_are_prefilled_from_the_company_prices(
    chain, buyer, office, argan, honey, english
):
    """The negotiated price first, else the volume tier for the packs asked;
    a revision starts from the last version's prices."""
    PriceTier.objects.create(product=argan, min_packs=1, unit_price=Decimal("100.00"))
    PriceTier.objects.create(product=argan, min_packs=5, unit_price=Decimal("90.00"))
    PriceListItem.objects.create(
        company=chain, product=honey, unit_price=Decimal("70.00")
    )
    request = submitted(chain, buyer, (argan, 5), (honey, 1))
    prices = {
        row.request_line.product: row.unit_price
        for row in request_lines_to_price(request=request)
    }
    assert prices == {argan: Decimal("90.00"), honey: Decimal("70.00")}
    text = page(signed_in(office).get(url("dashboard:wholesale-quote", pk=request.pk)))
    assert 'value="90.00"' in text
    assert 'value="70.00"' in text

    sent(request, office, {argan: Decimal("88.00"), honey: Decimal("69.50")})
    quote_revision_request(request=request, message="Moins cher ?", by=buyer)
    prices = {
        row.request_line.product: row.unit_price
        for row in request_lines_to_price(request=request)
    }
    assert prices == {argan: Decimal("88.00"), honey: Decimal("69.50")}


def test_the_office_sends_a_quote_and_the_buyer_is_emailed(
    chain, buyer, office, argan, honey, english, django_capture_on_commit_callbacks
):
    """Version 1: lines at the prices typed (a line at 0 packs is left out),
    the delivery, the total to the centime; the request is quoted and the
    buyer emailed in the company's language."""
    request = submitted(chain, buyer, (argan, 5), (honey, 4))
    argan_line = request.lines.get(product=argan)
    honey_line = request.lines.get(product=honey)
    data = send_form(
        request,
        **{
            f"price-{argan_line.pk}": "87.35",
            f"packs-{honey_line.pk}": "0",
            "valid_until": days(10).isoformat(),
            "payment_terms": "prepaid",
            "message": "Prix ferme pour 5 colis.",
        },
    )
    client = signed_in(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("dashboard:wholesale-quote", pk=request.pk), data, follow=True
        )
    assert "Version 1 of the quote sent to Marjane Terroir." in page(response)
    quote = Quote.objects.get(request=request)
    assert (quote.version, quote.currency, quote.payment_terms) == (1, "MAD", "prepaid")
    assert quote.delivery_price == Decimal("350.00")
    # 5 packs × 12 units × 87.35 = 5,241.00, + 350.00 delivery.
    assert quote.total == Decimal("5591.00")
    [line] = quote.lines.all()
    assert (line.product, line.packs, line.pack_size, line.unit_price) == (
        argan,
        5,
        12,
        Decimal("87.35"),
    )
    request.refresh_from_db()
    assert request.status == S.QUOTED
    assert StatusChange.objects.filter(
        request=request, to_status=S.QUOTED, by=office
    ).exists()
    [email] = mail.outbox
    assert email.to == [buyer.email]
    assert email.extra_headers["Content-Language"] == "fr"
    assert "Prix ferme pour 5 colis." in email.body
    assert "5\u202f591,00" in email.body or "5 591,00" in email.body

    text = page(signed_in(buyer).get(url("wholesale:request", pk=request.pk)))
    assert "Version 1, sent on" in text
    assert "87,35" in text or "87.35" in text
    assert "Accept and order" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"valid_until": "today"}, "The quote must be valid until a date after today."),
        ({"price": ""}, "Enter a unit price above zero."),
        ({"price": "0"}, "Ensure this value is greater than or equal to 0.01."),
        (
            {"payment_terms": "net_60"},
            "The company was not granted these payment terms.",
        ),
        (
            {"delivery_price": "-5"},
            "Ensure this value is greater than or equal to 0.00.",
        ),
        ({"packs": "0"}, "Quote at least one line."),
    ],
)
def test_a_wrong_quote_is_not_sent_and_what_was_typed_stays(
    chain, buyer, office, argan, changes, message, english
):
    request = submitted(chain, buyer, (argan, 5))
    line = request.lines.get()
    data = send_form(request, **{f"price-{line.pk}": "80.00", "message": "Bonjour"})
    for key, value in changes.items():
        if key in ("price", "packs"):
            data[f"{key}-{line.pk}"] = value
        elif value == "today":
            data[key] = timezone.localdate().isoformat()
        else:
            data[key] = value
    response = signed_in(office).post(
        url("dashboard:wholesale-quote", pk=request.pk), data
    )
    assert response.status_code == 200
    assert message in page(response)
    assert "Bonjour" in page(response)
    assert not Quote.objects.exists()
    request.refresh_from_db()
    assert request.status == S.SUBMITTED


def test_terms_follow_what_the_company_was_granted(
    chain, buyer, office, argan, english
):
    """A prepaid company is quoted prepaid only; one granted net 30 may be
    quoted prepaid or net 30, never net 60."""
    assert payment_terms_allowed(company=chain) == ["prepaid"]
    chain.payment_terms = "net_30"
    chain.save()
    assert payment_terms_allowed(company=chain) == ["prepaid", "net_30"]
    request = submitted(chain, buyer, (argan, 5))
    with pytest.raises(RequestRefused, match="was not granted these payment terms"):
        quote_send(
            request=request,
            lines=[(request.lines.get(), 5, Decimal("80.00"))],
            delivery_price=Decimal("0"),
            valid_until=days(5),
            payment_terms="net_60",
            message="",
            by=office,
        )
    text = page(signed_in(office).get(url("dashboard:wholesale-quote", pk=request.pk)))
    assert 'value="net_30"' in text
    assert 'value="net_60"' not in text


def test_a_quote_cannot_be_sent_twice_without_a_revision(
    chain, buyer, office, argan, english
):
    """Once quoted, the office waits for the buyer: the form is gone and a
    stale post is refused with the lifecycle's message."""
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("80.00")})
    client = signed_in(office)
    text = page(client.get(url("dashboard:wholesale-quote", pk=request.pk)))
    assert 'id="quote-send-form"' not in text
    line = request.lines.get()
    response = client.post(
        url("dashboard:wholesale-quote", pk=request.pk),
        send_form(request, **{f"price-{line.pk}": "70.00"}),
        follow=True,
    )
    assert (
        f"Request {request.number} is “Quote sent”: it is not waiting for a "
        "quote (a new version follows a buyer&#x27;s request for revision)."
    ) in page(response)
    with pytest.raises(TransitionRefused, match="cannot become"):
        sent(request, office, {argan: Decimal("70.00")})
    assert Quote.objects.count() == 1


# Revisions: every version kept ----------------------------------------------


def test_a_revision_is_a_new_version_and_every_version_stays_visible(
    chain, buyer, colleague, office, argan, english
):
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    response = signed_in(colleague).post(
        url("wholesale:quote-revise", pk=request.pk),
        {"version": "1", "message": "Pouvez-vous faire 80 MAD ?"},
        follow=True,
    )
    assert "Revision asked for" in page(response)
    request.refresh_from_db()
    assert request.status == S.REVISION_REQUESTED
    assert request.messages.get().body == "Pouvez-vous faire 80 MAD ?"

    office_page = page(
        signed_in(office).get(url("dashboard:wholesale-quote", pk=request.pk))
    )
    assert "Send version 2" in office_page
    assert "Pouvez-vous faire 80 MAD ?" in office_page
    sent(request, office, {argan: Decimal("82.00")})

    text = page(signed_in(buyer).get(url("wholesale:request", pk=request.pk)))
    assert "Version 2, sent on" in text
    assert "Version 1, sent on" in text
    assert text.index("Version 2, sent on") < text.index("Version 1, sent on")
    assert text.count("quote-version--current") == 1
    assert [q.total for q in request.quotes.order_by("version")] == [
        Decimal("5400.00"),
        Decimal("4920.00"),
    ]


def test_answers_need_a_reason_or_a_message(chain, buyer, office, argan, english):
    """Declining without a reason or revising without a message is told on
    the page; the quote stays open."""
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    client = signed_in(buyer)
    response = client.post(
        url("wholesale:quote-decline", pk=request.pk), {"version": "1", "reason": " "}
    )
    assert response.status_code == 200
    assert "This field is required." in page(response)
    with pytest.raises(RequestRefused, match="Say why you decline"):
        quote_decline(request=request, reason="  ", by=buyer)
    with pytest.raises(RequestRefused, match="Say what the office should change"):
        quote_revision_request(request=request, message="", by=buyer)
    request.refresh_from_db()
    assert request.status == S.QUOTED


def test_a_buyer_declines_with_a_reason(chain, buyer, office, argan, english):
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    response = signed_in(buyer).post(
        url("wholesale:quote-decline", pk=request.pk),
        {"version": "1", "reason": "Délai trop long <b>pour nous</b>"},
        follow=True,
    )
    assert "Quote declined" in page(response)
    request.refresh_from_db()
    assert request.status == S.DECLINED
    assert request.decline_reason == "Délai trop long <b>pour nous</b>"
    office_page = page(
        signed_in(office).get(url("dashboard:wholesale-quote", pk=request.pk))
    )
    assert "Délai trop long &lt;b&gt;pour nous&lt;/b&gt;" in office_page
    with pytest.raises(TransitionRefused, match="cannot become"):
        quote_revision_request(request=request, message="Finalement…", by=buyer)


def test_an_answer_to_a_replaced_version_is_refused(
    chain, buyer, office, argan, english
):
    """The buyer read version 1; version 2 was sent since: declining or
    accepting version 1 is refused, asking to read version 2."""
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    quote_revision_request(request=request, message="Moins cher ?", by=buyer)
    sent(request, office, {argan: Decimal("85.00")})
    client = signed_in(buyer)
    response = client.post(
        url("wholesale:quote-decline", pk=request.pk),
        {"version": "1", "reason": "Trop cher"},
        follow=True,
    )
    assert "Version 2 of the quote was sent since" in page(response)
    response = client.post(
        url("wholesale:quote-accept", pk=request.pk), {"version": "1"}, follow=True
    )
    assert "replaced by version 2" in page(response)
    request.refresh_from_db()
    assert request.status == S.QUOTED
    assert not Order.objects.exists()


# Accepting ----------------------------------------------------------------


def test_accepting_places_one_order_at_the_quoted_prices(
    chain, buyer, colleague, office, argan, english
):
    """Accepted (twice, as a double click does): one order, at the quoted
    unit price whatever the catalogue says since; the request is ordered and
    shows the order and its proforma invoice."""
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("87.35")}, delivery=Decimal("100.00"))
    argan.stockrecords.update(price=Decimal("150.00"))
    client = signed_in(colleague)
    response = client.post(
        url("wholesale:quote-accept", pk=request.pk), {"version": "1"}, follow=True
    )
    text = page(response)
    order = Order.objects.get()
    assert f"Quote accepted: order {order.number} is placed." in text
    assert order.total_incl_tax == Decimal("5341.00")
    assert order.lines.get().unit_price_incl_tax == Decimal("87.35")
    assert url("wholesale:proforma-pdf", pk=request.pk) in text
    client.post(url("wholesale:quote-accept", pk=request.pk), {"version": "1"})
    assert Order.objects.count() == 1
    request.refresh_from_db()
    assert (request.status, request.order) == (S.CONVERTED, order)


def test_an_expired_quote_cannot_be_accepted(chain, buyer, office, argan, english):
    """Past its validity (before the daily expiry ran): the page says so
    instead of offering to accept, and a posted accept is refused."""
    request = submitted(chain, buyer, (argan, 5))
    quote = sent(request, office, {argan: Decimal("90.00")})
    Quote.objects.filter(pk=quote.pk).update(valid_until=days(-1))
    client = signed_in(buyer)
    text = page(client.get(url("wholesale:request", pk=request.pk)))
    assert "it can no longer be accepted" in text
    assert "Accept and order" not in text
    response = client.post(
        url("wholesale:quote-accept", pk=request.pk), {"version": "1"}, follow=True
    )
    assert "can no longer be accepted" in page(response)
    assert not Order.objects.exists()


def test_short_lines_are_told_before_accepting(chain, buyer, office, honey, english):
    """4 packs of 6 jars quoted, 20 in stock: the buyer sees which line is
    short and no accept button."""
    request = submitted(chain, buyer, (honey, 4))
    sent(request, office, {honey: Decimal("60.00")})
    text = page(signed_in(buyer).get(url("wholesale:request", pk=request.pk)))
    assert "Miel de thym 500 g: 24 units quoted, 20 in stock" in text
    assert "Accept and order" not in text


# Who may answer ------------------------------------------------------------


def test_another_companys_quotes_and_documents_are_not_found(
    chain, buyer, importer_buyer, office, argan, english
):
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    other = signed_in(importer_buyer)
    for name in (
        "wholesale:quote-accept",
        "wholesale:quote-decline",
        "wholesale:quote-revise",
    ):
        response = other.post(
            url(name, pk=request.pk),
            {"version": "1", "reason": "Non", "message": "Non"},
        )
        assert response.status_code == 404, name
    assert (
        other.get(url("wholesale:quote-pdf", pk=request.pk, version=1)).status_code
        == 404
    )
    assert other.get(url("wholesale:proforma-pdf", pk=request.pk)).status_code == 404
    request.refresh_from_db()
    assert request.status == S.QUOTED


def test_documents_exist_only_for_what_was_sent_or_ordered(
    chain, buyer, colleague, office, argan, english
):
    """A version never sent, or a proforma before any order, is a 404; every
    buyer of the company downloads a sent version as a PDF."""
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    client = signed_in(colleague)
    assert (
        client.get(url("wholesale:quote-pdf", pk=request.pk, version=2)).status_code
        == 404
    )
    assert client.get(url("wholesale:proforma-pdf", pk=request.pk)).status_code == 404
    response = client.get(url("wholesale:quote-pdf", pk=request.pk, version=1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{request.number}-v1.pdf"' in response["Content-Disposition"]


def test_non_buyers_cannot_answer_quotes(
    chain, buyer, retail_customer, staff_a, office, argan, english
):
    """Refused with the shop's 403 (office staff too: answering is the
    buyer's); visitors sign in first; answers are only posted."""
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    for user in (retail_customer, staff_a, office):
        client = signed_in(user)
        for name in ("wholesale:quote-accept", "wholesale:quote-decline"):
            response = client.post(url(name, pk=request.pk), {"version": "1"})
            assert response.status_code == 403, (user, name)
        response = client.get(url("wholesale:quote-pdf", pk=request.pk, version=1))
        assert response.status_code == 403
    response = Client().post(url("wholesale:quote-accept", pk=request.pk))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    response = signed_in(buyer).get(url("wholesale:quote-accept", pk=request.pk))
    assert response.status_code == 405
    request.refresh_from_db()
    assert request.status == S.QUOTED


def test_a_buyer_of_another_company_cannot_answer_through_the_services(
    chain, buyer, office, argan, english
):
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    outsider = MembershipFactory(company=CompanyFactory()).user
    with pytest.raises(RequestRefused, match="Only the company's buyers"):
        quote_decline(request=request, reason="Non", by=outsider)


def test_the_office_records_the_transfer_from_the_request_page(
    chain, buyer, office, argan, english
):
    """An ordered request links its order and takes the bank transfer; once
    recorded, the page says it is paid."""
    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    signed_in(buyer).post(
        url("wholesale:quote-accept", pk=request.pk), {"version": "1"}
    )
    order = Order.objects.get()
    client = signed_in(office)
    request_url = url("dashboard:wholesale-quote", pk=request.pk)
    text = page(client.get(request_url))
    assert url("dashboard:order-detail", number=order.number) in text
    assert 'id="order-paid-form"' in text
    response = client.post(
        url("dashboard:wholesale-order-paid", number=order.number),
        {"reference": "VIR-2026-118", "next": request_url},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == request_url
    assert "Paid." in page(response)
    assert 'id="order-paid-form"' not in page(response)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_pages_read_in_french_and_arabic(chain, buyer, office, argan, language):
    """The buyer's request page and the office's page render in each
    language, Arabic right to left."""
    from django.utils import translation

    request = submitted(chain, buyer, (argan, 5))
    sent(request, office, {argan: Decimal("90.00")})
    with translation.override(language):
        buyer_page = signed_in(buyer).get(url("wholesale:request", pk=request.pk))
        office_page = signed_in(office).get(
            url("dashboard:wholesale-quote", pk=request.pk)
        )
        listing = signed_in(buyer).get(url("wholesale:requests"))
    for response in (buyer_page, office_page, listing):
        assert response.status_code == 200
        assert f'lang="{language}"' in page(response)
        assert request.number in page(response)
    direction = 'dir="rtl"' if language == "ar" else 'dir="ltr"'
    assert direction in page(buyer_page)


def test_pages_of_a_request_do_not_query_per_line(
    chain, buyer, office, warehouse, english
):
    """The office's pricing page and the buyer's page of a quoted request
    cost as many queries with six lines as with two (under revision, then
    quoted)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def quoted_request(count):
        products = []
        for n in range(count):
            product = ProductFactory(
                title=f"Produit {count}-{n}", wholesale_pack_size=1, stockrecords=[]
            )
            StockRecordFactory(product=product, partner=warehouse, num_in_stock=50)
            PriceTier.objects.create(
                product=product, min_packs=1, unit_price=Decimal("10.00")
            )
            products.append(product)
        request = submitted(chain, buyer, *[(product, 2) for product in products])
        sent(request, office, dict.fromkeys(products, Decimal("9.00")))
        quote_revision_request(request=request, message="Encore", by=buyer)
        return request

    def queries(client, address):
        client.get(address)  # the session's basket and menus, once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    small, large = quoted_request(2), quoted_request(6)
    staff = signed_in(office)
    assert queries(staff, url("dashboard:wholesale-quote", pk=small.pk)) == queries(
        staff, url("dashboard:wholesale-quote", pk=large.pk)
    )
    own = signed_in(buyer)
    assert queries(own, url("wholesale:request", pk=small.pk)) == queries(
        own, url("wholesale:request", pk=large.pk)
    )
    # Quoted again: the buyer's page also checks each line's stock.
    for request in (small, large):
        sent(
            request,
            office,
            {line.product: Decimal("8.00") for line in request.lines.all()},
        )
    assert queries(own, url("wholesale:request", pk=small.pk)) == queries(
        own, url("wholesale:request", pk=large.pk)
    )


@pytest.fixture
def countries(transactional_db):
    """Countries back before the companies (a transactional test before this
    one may have flushed them)."""
    from shop.shipping.services import shipping_countries_ensure

    shipping_countries_ensure()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_sending_at_once_send_one_version(
    countries, chain, buyer, office, argan, english
):
    """Two office staff send a quote for the same request at the same moment:
    one version is sent, the other is told the request moved on."""
    from tests.concurrency import at_once
    from tests.factories import OfficeStaffFactory

    request = submitted(chain, buyer, (argan, 5))
    colleague = OfficeStaffFactory()
    results = at_once(
        [
            lambda: sent(request, office, {argan: Decimal("90.00")}),
            lambda: sent(request, colleague, {argan: Decimal("85.00")}),
        ],
        refused=TransitionRefused,
    )
    [quote] = [r for r in results if isinstance(r, Quote)]
    [refusal] = [r for r in results if isinstance(r, TransitionRefused)]
    assert "cannot become" in str(refusal)
    assert list(Quote.objects.values_list("version", flat=True)) == [1]
    assert request.quotes.get().sent_by == quote.sent_by
