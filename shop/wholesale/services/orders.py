"""From an accepted quote to a paid order, reorders and the quotes' expiry.

Accepting places the order through the one placement service
(shop.sales.services.order_place) from a basket priced at exactly the quoted
unit prices and delivery, whatever the catalogue says since. The company's row
is locked first, so two acceptances of one company (two buyers, two tabs) are
serialised: the credit limit holds, and a second click on the same quote finds
the order the first placed.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_class, get_model
from oscar.templatetags.currency_filters import currency as currency_format

from shop.audit.models import Source
from shop.audit.services import Actor, audit_order_status
from shop.payments.gateways import gateway_for
from shop.payments.models import CheckoutPayment
from shop.payments.services import (
    CANCELLED,
    EventKind,
    PaymentActionRefused,
    order_mark_paid,
)
from shop.payments.types import PaymentRequest
from shop.sales.context import Channel, Delivery, OrderIntent, wholesale
from shop.sales.models import OrderOrigin
from shop.sales.services import CheckoutRefused, order_payment_prepare, order_place
from shop.wholesale.access import membership_get
from shop.wholesale.models import (
    Company,
    PaymentTerms,
    Quote,
    QuoteRequest,
    QuoteStatus,
)
from shop.wholesale.services.states import request_transition
from shop.wholesale.shipping import WHOLESALE_DELIVERY_CODE
from shop.wholesale.strategy import QuotedPrices

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")

Method = CheckoutPayment.Method
S = QuoteStatus
# Order statuses (OSCAR_ORDER_STATUS_PIPELINE).
AWAITING_PAYMENT = "Awaiting payment"
BEING_PROCESSED = "Being processed"
# Days of credit each payment term gives after the order.
TERM_DAYS = {PaymentTerms.NET_30: 30, PaymentTerms.NET_60: 60}
# Buyers hear this many days before a quote's last valid day.
EXPIRY_REMINDER_DAYS = 3


class OrderRefused(Exception):
    """A quote-to-order action that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class Shortage:
    """A quoted product the warehouses cannot supply in full today."""

    product: object
    title: str
    wanted: int  # units
    available: int  # units free in the best-stocked warehouse


def payment_method_for(*, terms: str) -> str:
    """The payment method of an order on these quoted terms."""
    return Method.TERMS if terms in TERM_DAYS else Method.BANK_TRANSFER


def quote_amount(*, quote: Quote, lines=None) -> Decimal:
    """What the buyer pays for a quote: its lines at their prices, and delivery."""
    lines = quote.lines.all() if lines is None else lines
    return sum((line.line_total for line in lines), Decimal("0.00")) + (
        quote.delivery_price
    )


def _quote_lines(quote: Quote) -> list:
    return list(
        quote.lines.select_related(
            "product__product_class", "product__parent__product_class"
        ).prefetch_related("product__stockrecords__partner")
    )


def quote_shortages_get(*, quote: Quote, lines=None) -> list[Shortage]:
    """The quote's products the warehouses lack units of, to tell before accepting.

    Each product is taken from the warehouse with the most free stock (as
    placement does), so a product is short when even that one lacks units.
    """
    lines = _quote_lines(quote) if lines is None else lines
    strategy = QuotedPrices(prices={}, currency=quote.currency)
    wanted: Counter = Counter()
    products = {}
    for line in lines:
        wanted[line.product_id] += line.units
        products[line.product_id] = line.product
    shortages = []
    for product_id, units in wanted.items():
        product = products[product_id]
        record = strategy.warehouse_stockrecord(product)
        if record is not None and not record.can_track_allocations:
            continue
        available = max(record.net_stock_level, 0) if record is not None else 0
        if available < units:
            shortages.append(
                Shortage(
                    product=product,
                    title=product.get_title(),
                    wanted=units,
                    available=available,
                )
            )
    return shortages


def shortage_message(*, shortages: list[Shortage]) -> str:
    """Tell the buyer which lines are short, and what they can do."""
    details = "; ".join(
        _("%(product)s — units quoted: %(wanted)d, in stock: %(available)d")
        % {"product": s.title, "wanted": s.wanted, "available": s.available}
        for s in shortages
    )
    return _(
        "We cannot supply every line of this quote today (%(details)s). "
        "Ask us for a revised quote."
    ) % {"details": details}


def terms_outstanding_get(*, company: Company) -> Decimal:
    """The company's orders on terms placed, not cancelled and not yet paid."""
    total = (
        Order.objects.filter(
            quote_request__company=company, checkout_payment__method=Method.TERMS
        )
        .exclude(status=CANCELLED)
        .exclude(payment_events__event_type__code=EventKind.PAID)
        .aggregate(total=Sum("total_incl_tax"))["total"]
    )
    return total or Decimal("0.00")


def _money(amount: Decimal, currency: str) -> str:
    return currency_format(amount, currency)


def _acceptable_check(request: QuoteRequest, quote: Quote | None, version, today):
    """Refuse to accept a request that has no quote open for acceptance now."""
    if quote is None or request.status in (S.DRAFT, S.SUBMITTED):
        raise OrderRefused(_("There is no quote to accept yet."))
    refusals = {
        S.EXPIRED: _(
            "This quote expired on %(date)s and can no longer be accepted: "
            "ask us for a new one."
        ),
        S.DECLINED: _("This quote was declined; it can no longer be accepted."),
        S.REVISION_REQUESTED: _(
            "You asked for a revision of this quote: accept the new version "
            "once we send it."
        ),
        S.CONVERTED: _("This quote was already ordered."),
    }
    if request.status in refusals:
        raise OrderRefused(
            refusals[request.status] % {"date": _date(quote.valid_until)}
        )
    if version is not None and version != quote.version:
        raise OrderRefused(
            _(
                "Version %(version)s of this quote was replaced by version "
                "%(current)s: read the new one before accepting it."
            )
            % {"version": version, "current": quote.version}
        )
    if quote.valid_until < today:
        raise OrderRefused(refusals[S.EXPIRED] % {"date": _date(quote.valid_until)})


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT")


def _credit_check(company: Company, amount: Decimal, currency: str) -> None:
    outstanding = terms_outstanding_get(company=company)
    if outstanding + amount > company.credit_limit:
        raise OrderRefused(
            _(
                "This order (%(amount)s) would take your unpaid orders on terms "
                "to %(total)s, over your credit limit of %(limit)s. Pay an open "
                "invoice first, or ask us for a quote paid by bank transfer in "
                "advance."
            )
            % {
                "amount": _money(amount, currency),
                "total": _money(outstanding + amount, currency),
                "limit": _money(company.credit_limit, currency),
            }
        )


def _basket_build(quote: Quote, lines: list, company: Company, owner):
    """A basket holding the quoted units, priced at the quoted unit prices."""
    basket = Basket.objects.create(owner=owner)
    basket.strategy = QuotedPrices(
        prices={line.product_id: line.unit_price for line in lines},
        currency=quote.currency,
        delivery_price=quote.delivery_price,
        context=wholesale(company),
    )
    for line in lines:
        basket.add_product(line.product, line.units)
    return basket


def _delivery_address(request: QuoteRequest, company: Company, buyer) -> dict:
    """Where the goods go: the company, in the city and country of the request."""
    city = request.delivery_city or company.city
    at_company = city.strip().casefold() == company.city.strip().casefold()
    return {
        "first_name": buyer.first_name,
        "last_name": buyer.last_name or company.name,
        "line1": company.name,
        "line2": company.address_line1 if at_company else "",
        "line4": city,
        "postcode": company.postcode if at_company else "",
        "country_id": request.delivery_country_id,
        "notes": _stored(
            gettext_lazy("Quote %(reference)s, incoterm %(incoterm)s, tel. %(phone)s"),
            reference=request.number,
            incoterm=request.incoterm or "—",
            phone=company.phone,
        ),
    }


def _stored(message, **params) -> str:
    """Notes are written once, in the shop's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params


def quote_accept(*, request: QuoteRequest, by, version: int | None = None):
    """Accept the request's current quote and place its order; return the order.

    `version` is the version the buyer read, if the page says: a newer one
    sent since must be read first. A second accept of an ordered request
    (double click) returns the order already placed. Refused with a message
    (OrderRefused) when the quote expired, was declined or is under revision,
    when a line is short of stock, and for terms beyond the credit limit.
    """
    today = timezone.localdate()
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=request.company_id)
        locked = QuoteRequest.objects.select_for_update().get(pk=request.pk)
        locked.company = company
        membership = membership_get(user=by)
        if membership is None or membership.company_id != company.pk:
            raise OrderRefused(_("Only the company's buyers can accept its quotes."))
        quote = locked.current_quote
        if locked.status == S.CONVERTED and locked.order_id:
            if version is None or version == quote.version:
                return locked.order
        _acceptable_check(locked, quote, version, today)
        lines = _quote_lines(quote)
        shortages = quote_shortages_get(quote=quote, lines=lines)
        if shortages:
            raise OrderRefused(shortage_message(shortages=shortages))
        method = payment_method_for(terms=quote.payment_terms)
        amount = quote_amount(quote=quote, lines=lines)
        if method == Method.TERMS:
            _credit_check(company, amount, quote.currency)
        order = _order_place(locked, company, quote, lines, method, amount, by)
        request_transition(
            request=locked, to=S.ACCEPTED, by=by, note=f"v{quote.version}"
        )
        request_transition(request=locked, to=S.CONVERTED, by=by, note=order.number)
        QuoteRequest.objects.filter(pk=locked.pk).update(
            order=order, updated=timezone.now()
        )
        request.status = locked.status
        request.order = order
        transaction.on_commit(
            lambda: order_placed_email_send(order=order, quote=quote), robust=True
        )
        return order


def _order_place(request, company, quote, lines, method, amount, by):
    basket = _basket_build(quote, lines, company, by)
    intent = OrderIntent(
        context=wholesale(company),
        customer=by,
        delivery=Delivery(
            method_code=WHOLESALE_DELIVERY_CODE,
            address=_delivery_address(request, company, by),
        ),
        payment_method=method,
        language=company.language,
        quote_reference=f"{request.number} v{quote.version}",
    )
    number = str(OrderNumberGenerator().order_number(basket))
    record = order_payment_prepare(
        order_number=number, intent=intent, basket=basket, amount=amount
    )
    record.reference = (
        gateway_for(method)
        .authorize(
            PaymentRequest(
                order_number=number,
                amount=amount,
                currency=quote.currency,
                basket_id=basket.pk,
            )
        )
        .reference
    )
    record.save(update_fields=["reference", "updated"])
    try:
        return order_place(payment=record, basket=basket)
    except CheckoutRefused as refusal:
        raise OrderRefused(str(refusal)) from refusal


def _links(request: QuoteRequest) -> dict:
    """The site and the request's page, for links in an email (active language)."""
    try:
        path = reverse("wholesale:request", kwargs={"pk": request.pk})
    except NoReverseMatch:
        path = ""
    return {"site": Site.objects.get_current(), "request_path": path}


def _company_recipients(company: Company, person) -> list[str]:
    emails = [getattr(person, "email", ""), company.email]
    return list(dict.fromkeys(email for email in emails if email))


def order_placed_email_send(*, order, quote: Quote) -> None:
    """Send the buyer (and the company's address) the proforma invoice."""
    from shop.wholesale.documents import proforma_pdf

    company = quote.request.company
    language = company.language
    with translation.override(language):
        context = {
            "order": order,
            "company": company,
            "request": quote.request,
            "quote": quote,
            "terms": PaymentTerms(quote.payment_terms).label,
            "due_date": payment_due_date(order=order, terms=quote.payment_terms),
            "lines": list(order.lines.order_by("pk")),
            **_links(quote.request),
        }
        subject = render_to_string("wholesale/emails/order_placed_subject.txt", context)
        body = render_to_string("wholesale/emails/order_placed_body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=_company_recipients(company, order.user),
        headers={"Content-Language": language},
    )
    message.attach(
        f"proforma-{order.number}.pdf",
        proforma_pdf(order=order, language=language),
        "application/pdf",
    )
    message.send()


def payment_due_date(*, order, terms: str) -> datetime.date | None:
    """When a transfer on terms is due; None when it is due before shipping."""
    days = TERM_DAYS.get(terms)
    if days is None:
        return None
    return timezone.localdate(order.date_placed) + datetime.timedelta(days=days)


def wholesale_order_paid(*, order, by, reference: str = ""):
    """Record the bank transfer of a wholesale order; it is then processed.

    `reference` is the transfer's reference on the office's bank statement.
    The order moves from "Awaiting payment" to "Being processed" (an order on
    terms already on its way keeps its status).
    """
    if not by.is_staff:
        raise OrderRefused(_("Only office staff record payments."))
    # Office staff record it from the dashboard's order or request page.
    actor = Actor(by, Source.DASHBOARD)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if not _is_wholesale(order):
            raise OrderRefused(_("This is not a wholesale order."))
        try:
            order_mark_paid(order=order, reference=reference.strip()[:128], actor=actor)
        except PaymentActionRefused as refusal:
            raise OrderRefused(str(refusal)) from refusal
        if order.status == AWAITING_PAYMENT:
            order.set_status(BEING_PROCESSED)
            audit_order_status(order=order, before=AWAITING_PAYMENT, actor=actor)
        OrderNote.objects.create(
            order=order,
            user=by,
            note_type=OrderNote.SYSTEM,
            message=_stored(
                gettext_lazy("Bank transfer received%(reference)s."),
                reference=f" ({reference.strip()})" if reference.strip() else "",
            ),
        )
        transaction.on_commit(lambda: order_paid_email_send(order=order), robust=True)
        return order


def _is_wholesale(order) -> bool:
    return OrderOrigin.objects.filter(order=order, channel=Channel.WHOLESALE).exists()


def order_paid_email_send(*, order) -> None:
    """Tell the buyer their transfer arrived and the order is being prepared."""
    request = QuoteRequest.objects.select_related("company").filter(order=order).first()
    if request is None:
        return
    company = request.company
    with translation.override(company.language):
        context = {
            "order": order,
            "company": company,
            "request": request,
            **_links(request),
        }
        subject = render_to_string("wholesale/emails/order_paid_subject.txt", context)
        body = render_to_string("wholesale/emails/order_paid_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=_company_recipients(company, order.user),
        headers={"Content-Language": company.language},
    ).send()


def request_reorder(*, order, by) -> QuoteRequest:
    """Start a new draft request with the packs of a past order's quote.

    Delivery city, country and incoterm are those of the original request;
    the delivery date is asked again. Products no longer sold are left out:
    their reasons are on the draft's `reorder_skipped` (for the page to say).
    Refused when none of the order's products can be asked for again.
    """
    from shop.wholesale.services import requests as rfq

    original = (
        QuoteRequest.objects.select_related("company", "delivery_country")
        .filter(order=order)
        .first()
    )
    membership = membership_get(user=by)
    if (
        original is None
        or membership is None
        or membership.company_id != original.company_id
    ):
        raise OrderRefused(_("Only a buyer of the company can reorder its orders."))
    quote = quote_ordered_get(request=original)
    with transaction.atomic():
        draft = rfq.request_create(company=original.company, by=by)
        with translation.override(original.company.language):
            notes = _("Reorder of order %(number)s (%(request)s).") % {
                "number": order.number,
                "request": original.number,
            }
        draft = rfq.request_details_set(
            request=draft,
            by=by,
            delivery_date=None,
            delivery_city=original.delivery_city,
            delivery_country=original.delivery_country,
            incoterm=original.incoterm,
            notes=notes,
        )
        skipped = []
        for line in quote.lines.select_related("product"):
            try:
                rfq.request_line_set(
                    request=draft, product=line.product, packs=line.packs, by=by
                )
            except rfq.RequestRefused as refusal:
                skipped.append(f"{line.product.get_title()}: {refusal}")
        if not draft.lines.exists():
            raise OrderRefused(
                _("None of this order's products can be ordered again: %(why)s")
                % {"why": " ".join(skipped)}
            )
    draft.reorder_skipped = skipped
    return draft


def quote_ordered_get(*, request: QuoteRequest) -> Quote | None:
    """The version a request's order came from (its origin names it), else the
    latest version."""
    origin = getattr(request.order, "origin", None) if request.order_id else None
    version = (origin.quote_reference if origin else "").rpartition(" v")[2]
    quotes = sorted(request.quotes.all(), key=lambda quote: quote.version)
    return next((q for q in quotes if str(q.version) == version), None) or (
        quotes[-1] if quotes else None
    )


# Expiry.


def _expiring_quotes(*, statuses):
    """The current quote of each request in these statuses, with its request."""
    requests = QuoteRequest.objects.filter(status__in=statuses).prefetch_related(
        "quotes"
    )
    for request in requests:
        quotes = sorted(request.quotes.all(), key=lambda q: q.version)
        if quotes:
            yield request, quotes[-1]


def quotes_expire(*, today: datetime.date) -> int:
    """Expire quotes whose last valid day is past; return how many.

    Run daily (`manage.py quotes_expire`, or the task quotes_expire_task).
    """
    expired = 0
    for request, quote in _expiring_quotes(statuses=[S.QUOTED]):
        if quote.valid_until >= today:
            continue
        with transaction.atomic():
            locked = QuoteRequest.objects.select_for_update().get(pk=request.pk)
            # Accepted or revised since it was read: not ours to expire.
            if locked.status != S.QUOTED:
                continue
            request_transition(
                request=locked,
                to=S.EXPIRED,
                by=None,
                note=_stored(
                    gettext_lazy("Valid until %(date)s."),
                    date=quote.valid_until.isoformat(),
                ),
            )
        expired += 1
    return expired


def expiry_reminders_send(*, today: datetime.date) -> int:
    """Email buyers, once, about quotes expiring within three days; return how many.

    A quote sent with less than three days left is reminded of at once, so
    each open quote is reminded of exactly once before it expires.
    """
    last_day = today + datetime.timedelta(days=EXPIRY_REMINDER_DAYS)
    sent = 0
    for _request, quote in _expiring_quotes(statuses=[S.QUOTED]):
        if quote.expiry_reminded_at or not today <= quote.valid_until <= last_day:
            continue
        # Claimed by one UPDATE: two runs at once email once.
        claimed = Quote.objects.filter(pk=quote.pk, expiry_reminded_at=None).update(
            expiry_reminded_at=timezone.now()
        )
        if claimed:
            transaction.on_commit(
                lambda quote=quote: expiry_reminder_email_send(quote=quote),
                robust=True,
            )
            sent += 1
    return sent


def expiry_reminder_email_send(*, quote: Quote) -> None:
    """Remind the request's author (and the company's address) to answer."""
    request = quote.request
    company = request.company
    with translation.override(company.language):
        context = {
            "quote": quote,
            "request": request,
            "company": company,
            "total": _money(quote_amount(quote=quote), quote.currency),
            **_links(request),
        }
        subject = render_to_string(
            "wholesale/emails/expiry_reminder_subject.txt", context
        )
        body = render_to_string("wholesale/emails/expiry_reminder_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=_company_recipients(company, request.created_by),
        headers={"Content-Language": company.language},
    ).send()
