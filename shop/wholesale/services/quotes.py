"""Quotes: the office prices a request and sends a version; the buyer
declines it or asks for a revision (accepting is shop.wholesale.services.orders).

Every sent version is kept: a revision is a new version, never an edit.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from shop.audit.models import Action, Source
from shop.audit.services import Actor, audit_record
from shop.partner.strategy import strategy_for
from shop.sales.context import wholesale
from shop.wholesale.models import (
    PaymentTerms,
    Quote,
    QuoteLine,
    QuoteMessage,
    QuoteRequest,
    QuoteRequestLine,
    QuoteStatus,
)
from shop.wholesale.pricing import offers_get
from shop.wholesale.services.requests import (
    MESSAGE_MAX_LENGTH,
    RequestRefused,
    request_buyer_check,
    wholesale_email_send,
)
from shop.wholesale.services.states import request_transition

S = QuoteStatus
CENT = Decimal("0.01")
# From the least to the most generous: a quote may not go past the company's.
TERMS_ORDER = [PaymentTerms.PREPAID, PaymentTerms.NET_30, PaymentTerms.NET_60]
MAX_UNIT_PRICE = Decimal("1000000")
DEFAULT_VALIDITY_DAYS = 14
REASON_MAX_LENGTH = 2000


@dataclass(frozen=True)
class LineToPrice:
    """A request line as the office prices it: what was asked, what is in
    stock, and the suggested unit price."""

    request_line: QuoteRequestLine
    packs: int
    units: int
    stock: int  # free units where an order would draw them from
    unit_price: Decimal | None  # suggested: last version's, else the price list
    retail_price: Decimal | None  # the shop's price (MAD), for reference

    @property
    def short(self) -> bool:
        return self.units > self.stock


def payment_terms_allowed(*, company) -> list[str]:
    """The terms a quote to this company may give: up to those it was granted."""
    granted = TERMS_ORDER.index(company.payment_terms)
    return [str(terms) for terms in TERMS_ORDER[: granted + 1]]


def quote_validity_default() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)


# Reads --------------------------------------------------------------------


def request_lines_to_price(*, request: QuoteRequest) -> list[LineToPrice]:
    """Each line of a request with its free stock and a suggested unit price.

    Stock is what the wholesale strategy would draw an order from (the
    warehouse with most free stock: cold storage for cold-chain goods); a
    line above it is short, which the office sees, the buyer does not.
    The suggestion is the last sent version's price for the line, else the
    company's (its negotiated price, else the volume tier); the retail price
    is shown beside it.
    """
    lines = list(request.lines.order_by("pk"))
    products = {
        product.pk: product
        for product in Product.objects.filter(
            pk__in=[line.product_id for line in lines]
        )
        .select_related("product_class", "parent__product_class")
        .prefetch_related("stockrecords__partner")
    }
    last = request.quotes.order_by("-version").first()
    previous = (
        {line.product_id: line.unit_price for line in last.lines.all()} if last else {}
    )
    offers = offers_get(products=products.values(), company=request.company)
    strategy = strategy_for(context=wholesale(request.company))
    rows = []
    for line in lines:
        line.product = products[line.product_id]
        info = strategy.fetch_for_product(line.product)
        record = info.stockrecord
        stock = max(record.net_stock_level, 0) if record is not None else 0
        price = previous.get(line.product_id) or offers[line.product_id].unit_price(
            line.packs
        )
        retail = info.price.incl_tax if info.price.exists else None
        rows.append(
            LineToPrice(
                request_line=line,
                packs=line.packs,
                units=line.units,
                stock=stock,
                unit_price=price,
                retail_price=retail if info.price.currency == "MAD" else None,
            )
        )
    return rows


def requests_queue(*, statuses, company=None, waiting_days: int | None = None):
    """Submitted requests for the office, the longest waiting first."""
    queue = (
        QuoteRequest.objects.exclude(status=S.DRAFT)
        .filter(status__in=statuses)
        .select_related("company", "created_by")
        .annotate(latest_version=Max("quotes__version"))
        .order_by("submitted_at", "pk")
    )
    if company is not None:
        queue = queue.filter(company=company)
    if waiting_days:
        since = timezone.now() - datetime.timedelta(days=waiting_days)
        queue = queue.filter(submitted_at__lte=since)
    return queue


def quote_current_check(*, request: QuoteRequest, version) -> Quote:
    """The request's current quote, if it is the version the buyer answers."""
    current = request.quotes.order_by("-version").first()
    if current is None:
        raise RequestRefused(_("No quote was sent for this request yet."))
    if str(version) != str(current.version):
        raise RequestRefused(
            _(
                "Version %(version)s of the quote was sent since: read it "
                "before answering."
            )
            % {"version": current.version}
        )
    return current


# Writes -------------------------------------------------------------------


def quote_send(
    *,
    request: QuoteRequest,
    lines,
    delivery_price: Decimal,
    valid_until: datetime.date,
    payment_terms: str,
    message: str,
    by,
) -> Quote:
    """Send the buyer a new version of the quote; the request becomes quoted.

    `lines` are (request line, packs, unit price); a line left at 0 packs is
    not quoted (the office cannot source it), but one line at least must be.
    Refused with every reason at once for prices not above zero, a past
    validity date or terms more generous than the company was granted. The
    buyer is emailed in the company's language.
    """
    problems = _quote_problems(
        request=request,
        lines=lines,
        delivery_price=delivery_price,
        valid_until=valid_until,
        payment_terms=payment_terms,
        message=message,
    )
    if problems:
        raise RequestRefused(*problems)
    quoted = [(line, packs, price) for line, packs, price in lines if packs]
    with transaction.atomic():
        # Locks the request: two staff members sending at once get one
        # version each, in turn, or the second is told the request moved.
        request_transition(request=request, to=S.QUOTED, by=by)
        version = (request.quotes.aggregate(last=Max("version"))["last"] or 0) + 1
        delivery_price = Decimal(delivery_price).quantize(CENT)
        total = delivery_price + sum(
            (
                Decimal(price).quantize(CENT) * packs * line.pack_size
                for line, packs, price in quoted
            ),
            Decimal("0.00"),
        )
        quote = Quote.objects.create(
            request=request,
            version=version,
            currency=request.currency,
            delivery_price=delivery_price,
            valid_until=valid_until,
            payment_terms=payment_terms,
            message=(message or "").strip(),
            total=total,
            sent_by=by,
        )
        QuoteLine.objects.bulk_create(
            QuoteLine(
                quote=quote,
                product_id=line.product_id,
                packs=packs,
                pack_size=line.pack_size,
                unit_price=Decimal(price).quantize(CENT),
            )
            for line, packs, price in quoted
        )
        _quote_audit(quote=quote, quoted=quoted, by=by)
    transaction.on_commit(lambda: quote_sent_send(quote=quote), robust=True)
    return quote


def _quote_terms(lines, delivery_price, total) -> dict:
    return {
        "unit_prices": {str(product_id): price for product_id, price in lines},
        "delivery_price": delivery_price,
        "total": total,
    }


def _quote_audit(*, quote: Quote, quoted, by) -> None:
    """Record the prices a version sets, beside the last version's."""
    last = (
        quote.request.quotes.filter(version__lt=quote.version)
        .order_by("-version")
        .prefetch_related("lines")
        .first()
    )
    before = (
        _quote_terms(
            [(line.product_id, line.unit_price) for line in last.lines.all()],
            last.delivery_price,
            last.total,
        )
        if last
        else {}
    )
    audit_record(
        action=Action.QUOTE_SENT,
        actor=Actor(by, Source.DASHBOARD),
        obj=quote,
        label=f"{quote.request.number} v{quote.version}",
        before=before,
        after=_quote_terms(
            [
                (line.product_id, Decimal(price).quantize(CENT))
                for line, _packs, price in quoted
            ],
            quote.delivery_price,
            quote.total,
        ),
    )


def _quote_problems(
    *, request, lines, delivery_price, valid_until, payment_terms, message
) -> list[str]:
    problems = []
    own = set(request.lines.values_list("pk", flat=True))
    seen = set()
    for line, packs, price in lines:
        title = line.product.get_title()
        if line.pk not in own or line.pk in seen:
            problems.append(
                _("%(product)s is not a line of this request.") % {"product": title}
            )
            continue
        seen.add(line.pk)
        if packs is None or packs < 0:
            problems.append(
                _("%(product)s: enter the number of packs (0 leaves it out).")
                % {"product": title}
            )
        elif packs and (price is None or not 0 < price < MAX_UNIT_PRICE):
            problems.append(
                _("%(product)s: enter a unit price above zero.") % {"product": title}
            )
    if not any(packs for _line, packs, _price in lines if packs):
        problems.append(_("Quote at least one line."))
    if delivery_price is None or delivery_price < 0:
        problems.append(_("The delivery price cannot be negative."))
    if valid_until is None or valid_until <= timezone.localdate():
        problems.append(_("The quote must be valid until a date after today."))
    if payment_terms not in payment_terms_allowed(company=request.company):
        problems.append(
            _("%(company)s was not granted these payment terms: at most “%(granted)s”.")
            % {
                "company": request.company.name,
                "granted": request.company.get_payment_terms_display(),
            }
        )
    if len((message or "").strip()) > MESSAGE_MAX_LENGTH:
        problems.append(
            _("A message holds at most %(max)s characters.")
            % {"max": MESSAGE_MAX_LENGTH}
        )
    return problems


def quote_decline(*, request: QuoteRequest, reason: str, by) -> QuoteRequest:
    """Decline the current quote, saying why (the office reads it)."""
    request_buyer_check(request=request, user=by)
    reason = _text_required(
        reason, _("Say why you decline the quote."), REASON_MAX_LENGTH
    )
    with transaction.atomic():
        request_transition(request=request, to=S.DECLINED, by=by, note=reason)
        request.decline_reason = reason
        QuoteRequest.objects.filter(pk=request.pk).update(decline_reason=reason)
    return request


def quote_revision_request(*, request: QuoteRequest, message: str, by) -> QuoteRequest:
    """Ask the office for another version; the message says what to change."""
    request_buyer_check(request=request, user=by)
    message = _text_required(
        message, _("Say what the office should change."), MESSAGE_MAX_LENGTH
    )
    with transaction.atomic():
        request_transition(
            request=request, to=S.REVISION_REQUESTED, by=by, note=message
        )
        QuoteMessage.objects.create(
            request=request, author=by, body=message, from_office=False
        )
    return request


def _text_required(text: str, missing: str, max_length: int) -> str:
    text = (text or "").strip()
    if not text:
        raise RequestRefused(missing)
    if len(text) > max_length:
        raise RequestRefused(
            _("A message holds at most %(max)s characters.") % {"max": max_length}
        )
    return text


# Emails -------------------------------------------------------------------


def quote_sent_send(*, quote: Quote) -> None:
    """Tell the buyer a quote version is waiting for their answer."""
    wholesale_email_send(
        template="quote_sent",
        request=quote.request,
        context={"quote": quote, "lines": list(quote.lines.select_related("product"))},
        path="wholesale:request",
    )
