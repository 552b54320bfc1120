"""From a quote to an order: accepting at the quoted prices, stock and credit,
the office recording the transfer, and reordering."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import create_basket, create_order

from shop.payments.models import CheckoutPayment
from shop.sales.context import Channel
from shop.wholesale.models import PaymentTerms, QuoteRequest, QuoteStatus
from shop.wholesale.services.orders import (
    OrderRefused,
    quote_accept,
    quote_shortages_get,
    request_reorder,
    terms_outstanding_get,
    wholesale_order_paid,
)
from shop.wholesale.services.quotes import (
    quote_decline,
    quote_revision_request,
    quote_send,
)
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ProductFactory,
    StoreStaffFactory,
)
from tests.wholesale.journey import quote_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = Decimal
Country = get_model("address", "Country")
Order = get_model("order", "Order")


@pytest.fixture
def argan(db):
    """Argan oil in packs of 12 (MOQ 24 units), retail 120.00 MAD, 500 in stock."""
    product = ProductFactory(
        title="Huile d'argane alimentaire 250 ml",
        wholesale_pack_size=12,
        minimum_order_quantity=24,
        hs_code="151590",
    )
    product.stockrecords.update(num_in_stock=500)
    return product


@pytest.fixture
def honey(db):
    """Euphorbia honey in packs of 6, retail 120.00 MAD, 100 in stock."""
    product = ProductFactory(
        title="Miel d'euphorbe 500 g", wholesale_pack_size=6, hs_code="040900"
    )
    return product


@pytest.fixture
def quoted(chain, buyer, office, argan, honey):
    """The chain's request: 10 packs of argan oil at 85.00 and 5 packs of honey
    at 95.00, delivery 350.00 — 10 200 + 2 850 + 350 = 13 400.00 MAD."""
    return quote_for(
        company=chain,
        buyer=buyer,
        office=office,
        lines=[(argan, 10, "85.00"), (honey, 5, "95.00")],
    )


def stock(product):
    record = product.stockrecords.get()
    return record.num_in_stock, record.num_allocated or 0


def test_accepting_places_the_order_at_exactly_the_quoted_prices(
    quoted, buyer, argan, honey, committed
):
    """The order has the quoted unit prices and delivery even though the
    catalogue price changed since; it is a wholesale order on bank transfer,
    awaiting payment, with the stock allocated and the proforma emailed."""
    request, quote = quoted
    argan.stockrecords.update(price=D("200.00"))
    orders = []
    committed(lambda: orders.append(quote_accept(request=request, by=buyer)))
    order = orders[0]

    assert order.total_incl_tax == D("13400.00") == quote.total
    assert order.currency == "MAD"
    assert order.shipping_code == "wholesale-delivery"
    assert order.shipping_incl_tax == D("350.00")
    assert order.status == "Awaiting payment"
    assert order.user == buyer
    lines = {line.product_id: line for line in order.lines.all()}
    assert (lines[argan.pk].quantity, lines[argan.pk].unit_price_incl_tax) == (
        120,
        D("85.00"),
    )
    assert lines[argan.pk].line_price_incl_tax == D("10200.00")
    assert (lines[honey.pk].quantity, lines[honey.pk].unit_price_incl_tax) == (
        30,
        D("95.00"),
    )
    assert order.origin.channel == Channel.WHOLESALE
    assert order.origin.quote_reference == f"{request.number} v1"
    payment = CheckoutPayment.objects.get(order=order)
    assert payment.method == CheckoutPayment.Method.BANK_TRANSFER
    assert order.sources.get().source_type.code == "bank_transfer"
    assert stock(argan) == (500, 120)
    assert stock(honey) == (100, 30)

    request.refresh_from_db()
    assert request.status == QuoteStatus.CONVERTED
    assert request.order == order
    assert list(request.status_changes.values_list("from_status", "to_status"))[
        -2:
    ] == [("quoted", "accepted"), ("accepted", "converted")]

    # One email: the proforma (not the retail order confirmation as well).
    (proforma,) = mail.outbox
    assert "proforma" in proforma.subject.lower()
    assert proforma.to == [buyer.email, request.company.email]
    assert order.number in proforma.body
    assert "13 400,00" in proforma.body.replace("\u202f", " ").replace("\xa0", " ")
    ((name, content, mimetype),) = proforma.attachments
    assert (name, mimetype) == (f"proforma-{order.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_a_second_accept_returns_the_same_order(quoted, buyer, colleague):
    """A double click (or a colleague accepting too) gives one order."""
    request, _quote = quoted
    first = quote_accept(request=request, by=buyer, version=1)
    again = quote_accept(request=QuoteRequest.objects.get(pk=request.pk), by=colleague)
    assert again == first
    assert Order.objects.count() == 1


def test_double_clicking_accept_on_the_page_places_one_order(client, quoted, buyer):
    """Posting the accept form twice places one order and says so both times."""
    request, _quote = quoted
    client.force_login(buyer)
    url = reverse("wholesale:quote-accept", kwargs={"pk": request.pk})
    for _click in range(2):
        response = client.post(url, {"version": 1}, follow=True)
        assert response.status_code == 200
    order = Order.objects.get()
    page = html.unescape(response.content.decode())
    assert f"order {order.number} is placed" in page


def test_an_importer_orders_in_euros(importer, importer_buyer, office, argan):
    """A EUR quote becomes a EUR order at the quoted euro prices."""
    request, _quote = quote_for(
        company=importer,
        buyer=importer_buyer,
        office=office,
        lines=[(argan, 4, "7.90")],
        delivery_price="180.00",
        country="FR",
        incoterm="DAP",
    )
    order = quote_accept(request=request, by=importer_buyer)
    assert order.currency == "EUR"
    assert order.total_incl_tax == D("559.20")  # 48 × 7.90 + 180.00
    assert order.lines.get().unit_price_incl_tax == D("7.90")
    assert order.shipping_address.country_id == "FR"
    assert order.shipping_address.line1 == importer.name


def test_short_lines_are_named_before_accepting_and_nothing_is_ordered(
    quoted, buyer, honey
):
    """With only 20 jars of honey for 30 quoted, the buyer is told which line
    is short and by how much; accepting is refused and nothing changes."""
    request, quote = quoted
    honey.stockrecords.update(num_in_stock=20)

    (shortage,) = quote_shortages_get(quote=quote)
    assert (shortage.title, shortage.wanted, shortage.available) == (
        "Miel d'euphorbe 500 g",
        30,
        20,
    )
    with pytest.raises(OrderRefused) as refusal:
        quote_accept(request=request, by=buyer)
    assert "Miel d'euphorbe 500 g — units quoted: 30, in stock: 20" in str(
        refusal.value
    )
    assert "revised quote" in str(refusal.value)
    request.refresh_from_db()
    assert request.status == QuoteStatus.QUOTED
    assert not Order.objects.exists()
    assert not CheckoutPayment.objects.exists()
    assert stock(honey) == (20, 0)


def test_an_expired_quote_cannot_be_accepted(quoted, buyer):
    """Past its last valid day (before the daily job has run) the quote is
    refused with the date it expired."""
    request, quote = quoted
    quote.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    quote.save()
    with pytest.raises(OrderRefused, match="expired on .* can no longer be accepted"):
        quote_accept(request=request, by=buyer)
    assert not Order.objects.exists()


def test_a_quote_valid_today_can_still_be_accepted(quoted, buyer):
    request, quote = quoted
    quote.valid_until = timezone.localdate()
    quote.save()
    assert quote_accept(request=request, by=buyer).status == "Awaiting payment"


def resend(request, office, price="80.00", delivery="300.00"):
    """The office answers a revision request with a new version."""
    return quote_send(
        request=request,
        lines=[(line, line.packs, D(price)) for line in request.lines.all()],
        delivery_price=D(delivery),
        valid_until=timezone.localdate() + datetime.timedelta(days=7),
        payment_terms=PaymentTerms.PREPAID,
        message="",
        by=office,
    )


def test_an_older_version_cannot_be_accepted(quoted, buyer, office):
    """After a revision the buyer must read version 2 before accepting."""
    request, _quote = quoted
    quote_revision_request(request=request, message="Moins cher ?", by=buyer)
    resend(request, office)
    with pytest.raises(OrderRefused, match="replaced by version 2"):
        quote_accept(request=request, by=buyer, version=1)
    order = quote_accept(request=request, by=buyer, version=2)
    assert order.total_incl_tax == D("12300.00")  # 150 × 80.00 + 300.00
    assert order.origin.quote_reference == f"{request.number} v2"


def test_revised_and_declined_quotes_are_refused(quoted, buyer, office):
    """Each answered state says why the quote cannot be accepted (no 500)."""
    request, _quote = quoted
    quote_revision_request(request=request, message="Délai ?", by=buyer)
    with pytest.raises(OrderRefused, match="You asked for a revision"):
        quote_accept(request=request, by=buyer)
    resend(request, office)
    quote_decline(request=request, reason="Trop cher", by=buyer)
    with pytest.raises(OrderRefused, match="was declined"):
        quote_accept(request=request, by=buyer)
    assert not Order.objects.exists()


def test_an_ordered_quote_refuses_an_older_version(quoted, buyer):
    request, _quote = quoted
    quote_accept(request=request, by=buyer)
    with pytest.raises(OrderRefused, match="already ordered"):
        quote_accept(request=request, by=buyer, version=7)


def test_only_the_companys_buyers_can_accept(quoted, retail_customer, office):
    """Another company's buyer, a retail customer and office staff are refused."""
    request, _quote = quoted
    stranger = MembershipFactory(company=CompanyFactory()).user
    for person in (stranger, retail_customer, office):
        with pytest.raises(OrderRefused, match="Only the company's buyers"):
            quote_accept(request=request, by=person)
    assert not Order.objects.exists()


@pytest.fixture
def on_terms(chain):
    chain.payment_terms = PaymentTerms.NET_30
    chain.credit_limit = D("20000.00")
    chain.save()
    return chain


def test_terms_orders_stay_within_the_credit_limit(
    on_terms, buyer, office, argan, honey
):
    """With 20 000.00 of credit, a 13 400.00 order on terms passes, a second
    one is refused with the amounts; once the first is paid the second passes."""
    first, _quote = quote_for(
        company=on_terms,
        buyer=buyer,
        office=office,
        lines=[(argan, 10, "85.00"), (honey, 5, "95.00")],
        terms=PaymentTerms.NET_30,
    )
    second, _quote = quote_for(
        company=on_terms,
        buyer=buyer,
        office=office,
        lines=[(argan, 10, "85.00"), (honey, 5, "95.00")],
        terms=PaymentTerms.NET_30,
    )
    order = quote_accept(request=first, by=buyer)
    assert CheckoutPayment.objects.get(order=order).method == "terms"
    assert terms_outstanding_get(company=on_terms) == D("13400.00")

    with pytest.raises(OrderRefused) as refusal:
        quote_accept(request=second, by=buyer)
    message = str(refusal.value).replace("\xa0", " ")
    assert "MAD13,400.00" in message
    assert "to MAD26,800.00, over your credit limit of MAD20,000.00" in message
    second.refresh_from_db()
    assert second.status == QuoteStatus.QUOTED

    wholesale_order_paid(order=order, by=office)
    assert terms_outstanding_get(company=on_terms) == D("0.00")
    assert quote_accept(request=second, by=buyer).total_incl_tax == D("13400.00")


def test_prepaid_orders_do_not_use_credit(chain, quoted, buyer):
    """Bank transfer in advance needs no credit (the chain has none)."""
    request, _quote = quoted
    assert chain.credit_limit == 0
    quote_accept(request=request, by=buyer)
    assert terms_outstanding_get(company=chain) == D("0.00")


def test_the_office_marks_the_transfer_received(quoted, buyer, office, committed):
    """Marking paid records the payment, moves the order to "Being processed",
    notes who did it and emails the buyer; a second time is refused."""
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    mail.outbox.clear()
    committed(
        lambda: wholesale_order_paid(order=order, by=office, reference="VIR-20251")
    )
    order.refresh_from_db()
    assert order.status == "Being processed"
    event = order.payment_events.get()
    assert (event.event_type.code, event.amount) == ("paid", D("13400.00"))
    assert order.sources.get().amount_debited == D("13400.00")
    note = order.notes.get()
    # Written in the shop's language (French) for the office's order history.
    assert (note.user, note.message) == (office, "Virement bancaire reçu (VIR-20251).")
    (email,) = mail.outbox
    assert email.subject == f"Commande {order.number} : paiement reçu"
    assert email.to == [buyer.email, request.company.email]

    with pytest.raises(OrderRefused, match="already marked as paid"):
        wholesale_order_paid(order=order, by=office)


def test_only_office_staff_record_a_transfer(quoted, buyer):
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    with pytest.raises(OrderRefused, match="Only office staff"):
        wholesale_order_paid(order=order, by=buyer)
    assert not order.payment_events.exists()


def test_only_wholesale_orders_are_marked_paid_here(office, argan):
    basket = create_basket(empty=True)
    basket.add_product(argan)
    order = create_order(basket=basket)
    with pytest.raises(OrderRefused, match="not a wholesale order"):
        wholesale_order_paid(order=order, by=office)


def paid_url(order):
    return reverse("dashboard:wholesale-order-paid", kwargs={"number": order.number})


def test_the_paid_button_records_the_transfer_for_office_staff(
    client, quoted, buyer, office
):
    """From the request's page the office comes back to it, with the news."""
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    client.force_login(office)
    back = reverse("dashboard:order-detail", kwargs={"number": order.number})
    response = client.post(paid_url(order), {"next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    page = html.unescape(response.content.decode())
    assert f"Transfer recorded: order {order.number} is paid (Being processed)." in (
        page
    )
    response = client.post(paid_url(order), follow=True)
    assert "This order is already marked as paid." in html.unescape(
        response.content.decode()
    )
    assert order.payment_events.count() == 1


def test_the_paid_button_is_for_office_staff_only(
    client, quoted, buyer, store_a, retail_customer
):
    """Buyers, retail customers and store staff get 403, visitors the
    dashboard's sign-in, a GET 405; the order stays unpaid."""
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    url = paid_url(order)
    response = client.post(url)
    assert response.status_code == 302
    assert reverse("dashboard:login") in response["Location"]
    for person in (buyer, retail_customer, StoreStaffFactory(store=store_a)):
        client.force_login(person)
        assert client.post(url).status_code == 403
    order.refresh_from_db()
    assert order.status == "Awaiting payment"
    assert not order.payment_events.exists()


def test_the_paid_button_ignores_an_outside_next(client, quoted, buyer, office):
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    client.force_login(office)
    response = client.post(paid_url(order), {"next": "https://evil.example/"})
    assert response["Location"] == reverse(
        "dashboard:order-detail", kwargs={"number": order.number}
    )


def test_a_buyer_reorders_a_past_order_into_a_new_draft(
    quoted, buyer, colleague, argan, honey
):
    """A colleague's reorder is a new draft with the same packs, delivery city,
    country and incoterm, the delivery date left to choose."""
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    draft = request_reorder(order=order, by=colleague)
    assert draft.pk != request.pk
    assert draft.status == QuoteStatus.DRAFT
    assert draft.created_by == colleague
    assert draft.number.startswith(f"RFQ-{timezone.localdate().year}-")
    assert (draft.delivery_city, draft.delivery_country_id, draft.delivery_date) == (
        request.delivery_city,
        "MA",
        None,
    )
    assert f"Renouvellement de la commande {order.number}" in draft.notes
    assert sorted(draft.lines.values_list("product_id", "packs")) == sorted(
        [(argan.pk, 10), (honey.pk, 5)]
    )
    assert draft.reorder_skipped == []


def test_a_reorder_leaves_out_products_no_longer_sold(quoted, buyer, honey):
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    honey.is_public = False
    honey.save()
    draft = request_reorder(order=order, by=buyer)
    assert draft.lines.count() == 1
    assert draft.reorder_skipped == [
        "Miel d'euphorbe 500 g: This product is not sold any more."
    ]


def test_another_company_cannot_reorder(quoted, buyer):
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    stranger = MembershipFactory(company=CompanyFactory()).user
    with pytest.raises(OrderRefused, match="Only a buyer of the company"):
        request_reorder(order=order, by=stranger)
    assert QuoteRequest.objects.count() == 1


def test_the_dashboard_order_page_records_the_transfer(
    quoted, buyer, office, client, committed
):
    """Office staff record a wholesale order's transfer from the order's own
    page (with its bank reference): paid, then prepared."""
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    client.force_login(office)
    detail = reverse("dashboard:order-detail", kwargs={"number": order.number})
    page = client.get(detail).content.decode()
    paid = reverse("dashboard:wholesale-order-paid", kwargs={"number": order.number})
    assert f'action="{paid}"' in page

    committed(lambda: client.post(paid, {"reference": "VIR-2026-0042"}))

    order.refresh_from_db()
    assert order.status == "Being processed"
    event = order.payment_events.get(event_type__code="paid")
    assert (event.amount, event.reference) == (D("13400.00"), "VIR-2026-0042")


def test_a_buyer_orders_again_from_the_request_page(quoted, buyer, colleague, client):
    """On an ordered request, "order again" makes a new draft with the same
    lines, for any buyer of the company."""
    request, _quote = quoted
    quote_accept(request=request, by=buyer)
    client.force_login(colleague)
    page = client.get(reverse("wholesale:request", kwargs={"pk": request.pk}))
    reorder = reverse("wholesale:request-reorder", kwargs={"pk": request.pk})
    assert f'action="{reorder}"' in page.content.decode()

    response = client.post(reorder, follow=True)

    draft = QuoteRequest.objects.exclude(pk=request.pk).get()
    assert draft.status == QuoteStatus.DRAFT
    assert sorted(draft.lines.values_list("packs", flat=True)) == [5, 10]
    assert "A new request with the same lines" in response.content.decode()
