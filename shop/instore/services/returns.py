"""Returns at the counter: lines of an earlier order (sold online or in any
store) back on this store's shelf, and the money given back in cash or on the
card terminal, with a return receipt.

The order row is locked for the whole return, so two returns of one line
(two counters, or a double tap) are serialised and the second sees what the
first took back.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency

from shop.audit.models import Action, Source
from shop.audit.services import Actor, audit_record
from shop.instore.access import PROCESS_RETURN, counter_permission_check
from shop.instore.models import (
    CashMovement,
    CounterReturn,
    CounterReturnLine,
    DrawerSession,
)
from shop.instore.returns_selectors import (
    ReturnableLine,
    ReturnableOrder,
    order_language_get,
    order_returnable_get,
    return_receipt_context_get,
)
from shop.instore.services.drawer import (
    DrawerRefused,
    cash_movement_record,
    drawer_cash_expected,
)
from shop.instore.services.receipts import receipt_number_next
from shop.partner.models import StockRecord
from shop.payments.models import CheckoutPayment
from shop.payments.services import EventKind, payment_event_record

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")

RefundMethod = CounterReturn.RefundMethod
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
REASON_MAX = CounterReturn._meta.get_field("reason").max_length
REFERENCE_MAX = CounterReturn._meta.get_field("card_reference").max_length
# The payment source a refund method gives money back through, when the order
# has one (a counter sale paid in cash and by card has both).
SOURCE_OF_METHOD = {
    RefundMethod.CASH: CheckoutPayment.Method.CASH,
    RefundMethod.CARD_TERMINAL: CheckoutPayment.Method.CARD_TERMINAL,
}


class ReturnRefused(Exception):
    """A return that cannot be taken; the message is for the staff member."""


class ReturnOutdated(ReturnRefused):
    """The order was returned from since the staff member's page was drawn."""


@dataclass(frozen=True)
class ReturnLineAmount:
    returnable: ReturnableLine
    quantity: int
    amount: Decimal


@dataclass(frozen=True)
class ReturnQuote:
    """What a return takes back and gives, checked but not yet recorded."""

    lines: list[ReturnLineAmount]
    amount: Decimal
    refund_method: str
    card_reference: str
    reason: str

    @property
    def units(self) -> int:
        return sum(item.quantity for item in self.lines)


def return_line_amount(*, returnable: ReturnableLine, quantity: int) -> Decimal:
    """Money back for units of a line: the unit price paid, the last unit taking
    the remainder so a line returned in full gives back exactly what it cost."""
    still_paid = returnable.paid - returnable.refunded
    if quantity >= returnable.left:
        return max(still_paid, ZERO)
    return min(returnable.unit_paid * quantity, max(still_paid, ZERO))


def _wanted_units(lines) -> Counter:
    wanted: Counter = Counter()
    for order_line, quantity in lines:
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise ReturnRefused(_("Enter a whole number of units."))
        if quantity < 0:
            raise ReturnRefused(_("A quantity cannot be negative."))
        if quantity:
            wanted[order_line.pk] += quantity
    if not wanted:
        raise ReturnRefused(_("Choose at least one unit to return."))
    return wanted


def return_quote(
    *,
    returnable: ReturnableOrder,
    lines,
    refund_method: str,
    card_reference: str = "",
    reason: str = "",
) -> ReturnQuote:
    """Check a return against what is left of the order and price it (no writes)."""
    if returnable.cancelled:
        raise ReturnRefused(
            _("Order %(number)s is cancelled: there is nothing to return.")
            % {"number": returnable.order.number}
        )
    wanted = _wanted_units(lines)
    priced = []
    for pk, quantity in wanted.items():
        item = returnable.line(pk)
        if item is None:
            raise ReturnRefused(
                _("That line is not part of order %(number)s.")
                % {"number": returnable.order.number}
            )
        if item.left == 0:
            raise ReturnRefused(
                _("“%(title)s” was already returned in full.")
                % {"title": item.line.title}
            )
        if quantity > item.left:
            raise ReturnRefused(
                _(
                    "Only %(left)s of “%(title)s” can still be returned "
                    "(%(bought)s bought, %(returned)s already returned)."
                )
                % {
                    "left": item.left,
                    "title": item.line.title,
                    "bought": item.bought,
                    "returned": item.returned,
                }
            )
        if item.line.product_id is None:
            raise ReturnRefused(
                _(
                    "“%(title)s” is no longer in the catalogue, so it cannot go "
                    "back on the shelf: ask the office."
                )
                % {"title": item.line.title}
            )
        priced.append(
            ReturnLineAmount(
                returnable=item,
                quantity=quantity,
                amount=return_line_amount(returnable=item, quantity=quantity),
            )
        )
    amount = sum((item.amount for item in priced), ZERO)
    if amount > returnable.refundable:
        order = returnable.order
        if returnable.paid == ZERO:
            raise ReturnRefused(
                _(
                    "No payment is recorded for order %(number)s yet, so nothing "
                    "can be refunded: ask the office to record it first."
                )
                % {"number": order.number}
            )
        raise ReturnRefused(
            _(
                "Only %(left)s of what was paid for order %(number)s is left to "
                "refund; this return would give back %(amount)s."
            )
            % {
                "left": currency(returnable.refundable, order.currency),
                "number": order.number,
                "amount": currency(amount, order.currency),
            }
        )
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ReturnRefused(
            _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX}
        )
    card_reference = (card_reference or "").strip()
    if refund_method == RefundMethod.CARD_TERMINAL:
        if not card_reference:
            raise ReturnRefused(
                _("Enter the reference the card terminal printed for the refund.")
            )
        if len(card_reference) > REFERENCE_MAX:
            raise ReturnRefused(
                _("A terminal reference has at most %(max)s characters.")
                % {"max": REFERENCE_MAX}
            )
    elif refund_method == RefundMethod.CASH:
        card_reference = ""
    else:
        raise ReturnRefused(_("Choose how the money is given back: cash or card."))
    return ReturnQuote(
        lines=priced,
        amount=amount,
        refund_method=refund_method,
        card_reference=card_reference,
        reason=reason,
    )


def _drawer_check(*, session: DrawerSession | None, quote: ReturnQuote, order):
    if quote.refund_method != RefundMethod.CASH or quote.amount == ZERO:
        return
    if session is None:
        raise ReturnRefused(
            _(
                "The cash drawer is not open: open it before refunding in cash, "
                "or refund on the card terminal."
            )
        )
    in_drawer = drawer_cash_expected(session=session)
    if quote.amount > in_drawer:
        raise ReturnRefused(
            _(
                "The drawer should hold only %(cash)s, less than the %(amount)s to "
                "give back: refund on the card terminal, or put cash in first."
            )
            % {
                "cash": currency(in_drawer, order.currency),
                "amount": currency(quote.amount, order.currency),
            }
        )


def _open_session(*, store, lock: bool) -> DrawerSession | None:
    sessions = DrawerSession.objects.filter(
        store=store, status=DrawerSession.Status.OPEN
    )
    if lock:
        sessions = sessions.select_for_update()
    return sessions.first()


def return_preview(
    *,
    store,
    order,
    lines,
    refund_method: str,
    card_reference: str = "",
    reason: str = "",
) -> ReturnQuote:
    """What a return would take back and give, for staff to confirm (no writes)."""
    quote = return_quote(
        returnable=order_returnable_get(order=order),
        lines=lines,
        refund_method=refund_method,
        card_reference=card_reference,
        reason=reason,
    )
    _drawer_check(
        session=_open_session(store=store, lock=False), quote=quote, order=order
    )
    return quote


def return_place(
    *,
    store,
    order,
    lines,
    refund_method: str,
    card_reference: str = "",
    reason: str = "",
    by,
    returns_seen: int | None = None,
) -> CounterReturn:
    """Take back lines of an order at this store: restock its shelf, give the
    money back, record it on the order and number a return receipt.

    `lines` are (order line, quantity) pairs. `returns_seen` is how many
    returns of the order the staff member's page showed: if another was
    recorded since (a double submit, a colleague), the return is refused so
    nothing is given back twice. Raises ReturnRefused, and then nothing is
    written.
    """
    counter_permission_check(user=by, permission=PROCESS_RETURN)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        returnable = order_returnable_get(order=order)
        if returns_seen is not None and len(returnable.returns) != returns_seen:
            if not returnable.returns:
                raise ReturnOutdated(
                    _("This page is out of date: check what is left to return.")
                )
            raise ReturnOutdated(
                _(
                    "Nothing was refunded twice: return %(receipt)s of this order "
                    "was recorded while your page was open. Check what is left "
                    "to return."
                )
                % {"receipt": returnable.returns[0].receipt_number}
            )
        quote = return_quote(
            returnable=returnable,
            lines=lines,
            refund_method=refund_method,
            card_reference=card_reference,
            reason=reason,
        )
        is_cash = quote.refund_method == RefundMethod.CASH
        session = _open_session(store=store, lock=True) if is_cash else None
        _drawer_check(session=session, quote=quote, order=order)
        counter_return = CounterReturn.objects.create(
            store=store,
            order=order,
            refund_method=quote.refund_method,
            card_reference=quote.card_reference,
            amount=quote.amount,
            reason=quote.reason,
            receipt_number=receipt_number_next(store=store),
            drawer_session=session if quote.amount else None,
            processed_by=by,
        )
        CounterReturnLine.objects.bulk_create(
            CounterReturnLine(
                counter_return=counter_return,
                order_line=item.returnable.line,
                quantity=item.quantity,
                amount=item.amount,
            )
            for item in quote.lines
        )
        for item in quote.lines:
            _shelf_restock(store=store, line=item.returnable.line, units=item.quantity)
        if quote.amount:
            _money_give_back(counter_return=counter_return, quote=quote, by=by)
        _order_note_add(counter_return=counter_return, quote=quote, by=by)
        audit_record(
            action=Action.COUNTER_RETURN,
            actor=Actor(by, Source.COUNTER),
            obj=counter_return,
            order=order,
            label=counter_return.receipt_number,
            after={
                "receipt": counter_return.receipt_number,
                "lines": {
                    item.returnable.line.title: item.quantity for item in quote.lines
                },
                "amount": counter_return.amount,
                "refund_method": counter_return.refund_method,
            },
        )
        transaction.on_commit(
            lambda: return_receipt_send(counter_return_id=counter_return.pk)
        )
    return counter_return


def _shelf_restock(*, store, line, units: int) -> StockRecord:
    """Put units back on the store's shelf, opening a stock record if it had none.

    Saved (not a bulk UPDATE) under a row lock, so Oscar's low-stock alerts and
    the search index hear of the stock that came back.
    """
    records = StockRecord.objects.select_for_update().filter(
        partner=store, product_id=line.product_id
    )
    record = records.order_by("pk").first()
    if record is None:
        try:
            with transaction.atomic():
                return StockRecord.objects.create(
                    partner=store,
                    product_id=line.product_id,
                    partner_sku=f"{line.partner_sku or line.upc}-{store.code}"[:128],
                    price=_shelf_price(line),
                    price_currency=line.order.currency,
                    num_in_stock=units,
                )
        except IntegrityError:
            # Another return opened it first, or the sku names another product.
            record = records.order_by("pk").first()
            if record is None:
                raise ReturnRefused(
                    _(
                        "“%(title)s” cannot be put on this store's shelf (its "
                        "stock reference is taken): ask the office."
                    )
                    % {"title": line.title}
                ) from None
    record.num_in_stock = (record.num_in_stock or 0) + units
    record.save()
    return record


def _shelf_price(line) -> Decimal:
    """The line's regular unit price (the shelf price, before any discount)."""
    if line.unit_price_incl_tax is not None:
        return line.unit_price_incl_tax
    return (line.line_price_before_discounts_incl_tax / line.quantity).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def _money_give_back(*, counter_return: CounterReturn, quote: ReturnQuote, by):
    order = counter_return.order
    if counter_return.refund_method == RefundMethod.CASH:
        try:
            cash_movement_record(
                session=counter_return.drawer_session,
                kind=CashMovement.Kind.REFUND,
                amount=counter_return.amount,
                by=by,
                reason=_("Return %(receipt)s, order %(number)s")
                % {"receipt": counter_return.receipt_number, "number": order.number},
                counter_return=counter_return,
            )
        except DrawerRefused as refused:
            raise ReturnRefused(str(refused)) from refused
    source = (
        order.sources.filter(
            source_type__code=SOURCE_OF_METHOD[counter_return.refund_method]
        ).first()
        or order.sources.order_by("pk").first()
    )
    event = payment_event_record(
        order=order,
        kind=EventKind.REFUNDED,
        amount=counter_return.amount,
        reference=counter_return.card_reference or counter_return.receipt_number,
        source=source,
        actor=Actor(by, Source.COUNTER),
    )
    for item in quote.lines:
        event.line_quantities.create(line=item.returnable.line, quantity=item.quantity)


def _order_note_add(*, counter_return: CounterReturn, quote: ReturnQuote, by):
    """Tell the office, on the order's dashboard page, what came back where."""
    order = counter_return.order
    # Notes are stored once, in the shop's language, like payment event names.
    with translation.override(settings.LANGUAGE_CODE):
        lines = ", ".join(
            f"{item.quantity} × {item.returnable.line.title}" for item in quote.lines
        )
        message = _(
            "Returned at %(store)s (receipt %(receipt)s): %(lines)s. "
            "%(amount)s given back (%(method)s)."
        ) % {
            "store": counter_return.store.name,
            "receipt": counter_return.receipt_number,
            "lines": lines,
            "amount": currency(counter_return.amount, order.currency),
            "method": counter_return.get_refund_method_display(),
        }
    OrderNote.objects.create(
        order=order, user=by, note_type=OrderNote.SYSTEM, message=message
    )


def return_receipt_send(*, counter_return_id: int) -> None:
    """Email the customer their return receipt, in the language they ordered in.

    Runs after commit: a mail server that is down must not undo a refund the
    customer already has in hand, so a failure is logged, not raised.
    """
    counter_return = (
        CounterReturn.objects.select_related("store", "order", "order__user")
        .prefetch_related("lines__order_line")
        .get(pk=counter_return_id)
    )
    order = counter_return.order
    if not order.email:
        return
    with translation.override(order_language_get(order=order)):
        context = return_receipt_context_get(counter_return=counter_return)
        subject = render_to_string(
            "instore/emails/return_receipt_subject.txt", context
        ).strip()
        body = render_to_string("instore/emails/return_receipt_body.txt", context)
    try:
        EmailMessage(
            subject=" ".join(subject.split()),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[order.email],
        ).send()
    except Exception:
        logger.exception("Return receipt %s not emailed", counter_return.receipt_number)
