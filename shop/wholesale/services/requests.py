"""Requests for quote: a company's buyers draft, fill and submit them, and
both sides write in the request's thread.

Every status change goes through `request_transition`; these functions check
what the lifecycle table cannot (lines, minimum quantities, dates, who acts).
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shop.wholesale.access import membership_get
from shop.wholesale.models import (
    Quote,
    QuoteLine,
    QuoteMessage,
    QuoteRequest,
    QuoteRequestLine,
    QuoteStatus,
    StatusChange,
)
from shop.wholesale.services.states import request_transition

S = QuoteStatus
# More packs than any buyer orders at once: a typo, not a request.
MAX_PACKS = 100_000
MESSAGE_MAX_LENGTH = 5000
NUMBER_ATTEMPTS = 20


class RequestRefused(Exception):
    """A request or quote change refused; its messages say why, for the user."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class LineProblem:
    """Why a (product, packs) line cannot go into a request."""

    product: object
    message: str


# Writes -------------------------------------------------------------------


def request_create(*, company, by) -> QuoteRequest:
    """Open a draft request for the company, numbered RFQ-<year>-<5 digits>.

    Delivery defaults to the company's city and country; the currency is the
    company's quote currency (EUR for importers).
    """
    year = timezone.localdate().year
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return QuoteRequest.objects.create(
                    company=company,
                    created_by=by,
                    number=_number_next(year=year),
                    delivery_city=company.city,
                    delivery_country_id=company.country_id,
                    currency=company.currency,
                )
        except IntegrityError:
            # Another buyer took the same number at the same moment: take the next.
            continue
    raise RequestRefused(_("The request could not be numbered: please try again."))


def request_start(*, company, by, **details) -> QuoteRequest:
    """Open a draft request with its delivery details (request_details_set's)."""
    with transaction.atomic():
        request = request_create(company=company, by=by)
        return request_details_set(request=request, by=by, **details)


def _number_next(*, year: int) -> str:
    prefix = f"RFQ-{year}-"
    last = (
        QuoteRequest.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def request_draft_ensure(*, company, by) -> QuoteRequest:
    """Return the buyer's latest draft for the company, opening one if none."""
    draft = (
        QuoteRequest.objects.filter(company=company, created_by=by, status=S.DRAFT)
        .order_by("-created", "-pk")
        .first()
    )
    return draft or request_create(company=company, by=by)


def request_lines_check(*, lines) -> list[LineProblem]:
    """Say what is wrong with (product, packs) lines: whole packs, at least the
    product's minimum order quantity (in units), not absurdly many.

    `packs` may be a Decimal or a string as typed, so that "2.5" is told it
    is not a whole number of packs rather than silently rounded.
    """
    problems = []
    for product, packs in lines:
        message = _line_problem(product=product, packs=packs)
        if message:
            problems.append(LineProblem(product=product, message=message))
    return problems


def _line_problem(*, product, packs) -> str:
    size = product.wholesale_pack_size or 1
    names = {"product": product.get_title(), "size": size}
    try:
        packs = Decimal(str(packs).strip().replace(",", "."))
    except InvalidOperation:
        return _("%(product)s: enter a number of packs.") % names
    if not packs.is_finite():
        return _("%(product)s: enter a number of packs.") % names
    if packs != packs.to_integral_value():
        return (
            ngettext(
                "%(product)s comes in whole packs of %(size)s unit: enter a whole "
                "number of packs.",
                "%(product)s comes in whole packs of %(size)s units: enter a whole "
                "number of packs.",
                size,
            )
            % names
        )
    packs = int(packs)
    if packs < 1:
        return _("%(product)s: ask for at least one pack.") % names
    if packs > MAX_PACKS:
        return _("%(product)s: at most %(max)s packs in one request.") % {
            **names,
            "max": MAX_PACKS,
        }
    moq = product.minimum_order_quantity or 1
    if packs * size < moq:
        moq_packs = -(-moq // size)
        return ngettext(
            "%(product)s: the minimum order is %(moq)s units, i.e. %(moq_packs)s "
            "pack of %(size)s; you asked for %(units)s units.",
            "%(product)s: the minimum order is %(moq)s units, i.e. %(moq_packs)s "
            "packs of %(size)s; you asked for %(units)s units.",
            moq_packs,
        ) % {**names, "moq": moq, "moq_packs": moq_packs, "units": packs * size}
    return ""


def request_buyer_check(*, request: QuoteRequest, user) -> None:
    """Refuse anyone but a buyer of the request's company."""
    membership = membership_get(user=user)
    if membership is None or membership.company_id != request.company_id:
        raise RequestRefused(_("Only the company's buyers can do this."))


def _draft_locked(*, request: QuoteRequest) -> QuoteRequest:
    locked = QuoteRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != S.DRAFT:
        raise RequestRefused(
            _("Request %(number)s was submitted: it can no longer be changed.")
            % {"number": locked.number}
        )
    return locked


def request_line_set(*, request: QuoteRequest, product, packs, by) -> None:
    """Ask for this many packs of a product in a draft (0 removes the line).

    Refused with the reason when the packs are not whole or below the
    product's minimum order quantity. Quantities above the stock are allowed:
    the office sources them (its queue flags them).
    """
    request_buyer_check(request=request, user=by)
    if str(packs).strip() in ("0", ""):
        with transaction.atomic():
            _draft_locked(request=request)
            QuoteRequestLine.objects.filter(request=request, product=product).delete()
        return
    if product.is_parent or not product.is_public:
        raise RequestRefused(
            _("%(product)s cannot be ordered as such: choose one of its variants.")
            % {"product": product.get_title()}
            if product.is_parent
            else _("This product is not sold any more.")
        )
    problems = request_lines_check(lines=[(product, packs)])
    if problems:
        raise RequestRefused(*(problem.message for problem in problems))
    with transaction.atomic():
        _draft_locked(request=request)
        QuoteRequestLine.objects.update_or_create(
            request=request,
            product=product,
            defaults={
                "packs": int(Decimal(str(packs).strip().replace(",", "."))),
                "pack_size": product.wholesale_pack_size or 1,
            },
        )
        # Bump `updated`: the draft changed.
        QuoteRequest.objects.filter(pk=request.pk).update(updated=timezone.now())


def request_details_set(
    *,
    request: QuoteRequest,
    by,
    delivery_date,
    delivery_city: str,
    delivery_country,
    incoterm: str,
    notes: str,
    attachment=None,
    attachment_remove: bool = False,
) -> QuoteRequest:
    """Change a draft's delivery, incoterm, notes and attachment.

    `attachment` is an upload already checked by shop.wholesale.uploads; it
    replaces the previous one, whose file is deleted after commit.
    """
    request_buyer_check(request=request, user=by)
    with transaction.atomic():
        locked = _draft_locked(request=request)
        locked.delivery_date = delivery_date
        locked.delivery_city = delivery_city.strip()
        locked.delivery_country = delivery_country
        locked.incoterm = incoterm or ""
        locked.notes = notes.strip()
        old = locked.attachment.name if locked.attachment else ""
        if attachment is not None:
            name = PurePath(attachment.name).name[:200]
            extension = PurePath(name).suffix.lower()
            # Stored under a random name: the buyer's file name is only shown.
            locked.attachment.save(
                f"{uuid.uuid4().hex}{extension}", attachment, save=False
            )
            locked.attachment_name = name
        elif attachment_remove:
            locked.attachment = ""
            locked.attachment_name = ""
        locked.save()
        new = locked.attachment.name if locked.attachment else ""
        if old and old != new:
            storage = locked.attachment.storage
            transaction.on_commit(lambda: storage.delete(old), robust=True)
    return locked


def request_submit(*, request: QuoteRequest, by) -> QuoteRequest:
    """Send a complete draft to the office.

    Refused, with every reason at once, when it has no lines, a line breaks
    its product's pack or minimum rules (they may have changed since it was
    added), the delivery date is missing or past, the delivery city is missing,
    or an export has no incoterm.
    """
    request_buyer_check(request=request, user=by)
    with transaction.atomic():
        locked = _draft_locked(request=request)
        problems = _submit_problems(request=locked)
        if problems:
            raise RequestRefused(*problems)
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["submitted_at", "updated"])
        request_transition(request=locked, to=S.SUBMITTED, by=by)
    request.status, request.submitted_at = locked.status, locked.submitted_at
    transaction.on_commit(
        lambda: request_submitted_send(request=locked, by=by), robust=True
    )
    return locked


def _submit_problems(*, request: QuoteRequest) -> list[str]:
    lines = list(request.lines.select_related("product"))
    problems = []
    if not lines:
        problems.append(_("Add at least one product to the request."))
    problems += [
        problem.message
        for problem in request_lines_check(
            lines=[(line.product, line.packs) for line in lines]
        )
    ]
    if request.delivery_date is None:
        problems.append(_("Choose the requested delivery date."))
    elif request.delivery_date < timezone.localdate():
        problems.append(_("The requested delivery date is past: choose another."))
    if not request.delivery_city.strip():
        problems.append(_("Enter the delivery city."))
    if request.delivery_country_id != "MA" and not request.incoterm:
        problems.append(_("Choose an incoterm: the goods leave Morocco."))
    return problems


def request_message_post(
    *, request: QuoteRequest, author, body: str, from_office: bool
) -> QuoteMessage:
    """Add a plain-text message to a submitted request's thread.

    The office's messages are emailed to the buyer who made the request, in
    the company's language.
    """
    body = (body or "").strip()
    if not body:
        raise RequestRefused(_("Write a message first."))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise RequestRefused(
            _("A message holds at most %(max)s characters.")
            % {"max": MESSAGE_MAX_LENGTH}
        )
    if from_office:
        if not author.is_staff:
            raise RequestRefused(_("Only office staff write for the office."))
    else:
        request_buyer_check(request=request, user=author)
    if request.status == S.DRAFT:
        raise RequestRefused(
            _("Submit the request first: the office reads submitted requests.")
        )
    message = QuoteMessage.objects.create(
        request=request, author=author, body=body, from_office=from_office
    )
    if from_office:
        transaction.on_commit(
            lambda: request_message_send(message=message), robust=True
        )
    return message


# Emails -------------------------------------------------------------------


def request_recipients(*, request: QuoteRequest) -> list[str]:
    """Who hears from the office about a request: its buyer, else the company."""
    email = request.created_by.email or request.company.email
    return [email] if email else []


def wholesale_email_send(
    *, template: str, request: QuoteRequest, context: dict, path: str
) -> None:
    """Email the request's buyer, in the company's language, with a link."""
    to = request_recipients(request=request)
    if not to:
        return
    language = request.company.language
    with translation.override(language):
        context = {
            **context,
            "request": request,
            "company": request.company,
            "site": Site.objects.get_current(),
            "path": reverse(path, kwargs={"pk": request.pk}),
        }
        subject = render_to_string(f"wholesale/emails/{template}_subject.txt", context)
        body = render_to_string(f"wholesale/emails/{template}_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=to,
        headers={"Content-Language": language},
    ).send()


def request_submitted_send(*, request: QuoteRequest, by) -> None:
    """Confirm to the buyer that the office has their request."""
    lines = list(request.lines.select_related("product"))
    wholesale_email_send(
        template="request_submitted",
        request=request,
        context={"lines": lines, "by": by},
        path="wholesale:request",
    )


def request_message_send(*, message: QuoteMessage) -> None:
    """Pass the office's message on to the buyer."""
    wholesale_email_send(
        template="request_message",
        request=message.request,
        context={"message": message},
        path="wholesale:request",
    )


# Reads --------------------------------------------------------------------


def requests_of_company(*, company):
    """The company's requests, newest first, with their line counts."""
    return (
        QuoteRequest.objects.filter(company=company)
        .select_related("created_by")
        .annotate(line_count=Count("lines", distinct=True))
        .order_by("-created", "-pk")
    )


def request_of_company_get(*, company, pk) -> QuoteRequest | None:
    """One request of the company (None for another company's)."""
    return (
        QuoteRequest.objects.select_related(
            "company", "created_by", "delivery_country", "order"
        )
        .filter(company=company, pk=pk)
        .first()
    )


def request_thread_get(*, request: QuoteRequest) -> dict:
    """Everything a request's page shows: lines, every quote version (newest
    first, with its lines), the thread and the status history."""
    quotes = list(
        request.quotes.select_related("sent_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=QuoteLine.objects.select_related("product").order_by("pk"),
            )
        )
        .order_by("-version")
    )
    return {
        "lines": list(request.lines.select_related("product").order_by("pk")),
        "quotes": quotes,
        "current_quote": quotes[0] if quotes else None,
        "thread": list(request.messages.select_related("author").order_by("created")),
        "history": list(
            StatusChange.objects.filter(request=request)
            .select_related("by")
            .order_by("at", "pk")
        ),
    }


def quote_of_request_get(*, request: QuoteRequest, version: int) -> Quote | None:
    return request.quotes.filter(version=version).first()
