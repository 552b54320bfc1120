"""Click & collect at a store's counter: ready (the customer is emailed), then
handed over (pay at pickup is taken then); and goods received on its shelf.

Online click & collect orders and reservations made at a counter (OrderOrigin
fulfilment "collect") share the queue. Each action locks the order's row, so a
second tap or a colleague doing the same finds the new state and is refused
with a message instead of acting twice.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from oscar.core.loading import get_model

from shop.audit.models import Source
from shop.audit.services import Actor, audit_order_status
from shop.instore.models import CashMovement
from shop.instore.services.drawer import cash_movement_record, drawer_session_current
from shop.instore.store_selectors import (
    CANCELLED,
    COMPLETE,
    READY,
    TO_PREPARE,
    PaymentState,
    order_amount_paid,
    order_payment_state,
)
from shop.payments.models import CheckoutPayment
from shop.payments.services import PaymentActionRefused, order_mark_paid
from shop.sales.context import Fulfilment

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
StockRecord = get_model("partner", "StockRecord")

Method = CheckoutPayment.Method

# More than one delivery ever brings of one product: a typo, not a delivery.
MAX_RECEIVED = 10_000


class CollectRefused(Exception):
    """A queue action that cannot be done; the message is for the staff member."""


class StockRefused(Exception):
    """A shelf change that cannot be made; the message is for the staff member."""


@dataclass(frozen=True)
class PickupPayment:
    """How a pay-at-pickup customer paid at the handover.

    `method` is cash or card_terminal; a card payment needs the terminal
    slip's reference.
    """

    method: str
    reference: str = ""


@dataclass(frozen=True)
class Handover:
    order: object
    cash_taken: object | None  # the amount put in the drawer, if any
    card_reference: str = ""


def _stored(message, **params) -> str:
    """Notes and log messages are written once, in the shop's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message % params)


def _locked(order, store):
    """The order's row, locked, once it is one this store hands over."""
    # Only the order's row: PostgreSQL cannot lock the outer-joined ones.
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("origin", "checkout_payment", "user")
        .get(pk=order.pk)
    )
    origin = getattr(order, "origin", None)
    if origin is None or origin.store_id != store.pk:
        raise CollectRefused(
            _("Order %(number)s is not one of this store's orders.")
            % {"number": order.number}
        )
    if origin.fulfilment != Fulfilment.COLLECT:
        raise CollectRefused(
            _("Order %(number)s is not collected at a store.")
            % {"number": order.number}
        )
    if order.status == CANCELLED:
        raise CollectRefused(
            _("Order %(number)s is cancelled: do not hand it over.")
            % {"number": order.number}
        )
    if order.status == COMPLETE:
        raise CollectRefused(
            _("Order %(number)s was already collected.") % {"number": order.number}
        )
    return order


def _note(order, by, message: str) -> None:
    # Oscar's status changes keep no author: the note says who did it.
    OrderNote.objects.create(
        order=order, user=by, note_type=OrderNote.SYSTEM, message=message
    )


def collect_ready(*, order, store, by) -> bool:
    """Mark a collect order ready at the store and email the customer.

    Returns whether an email goes out (a counter reservation may have none).
    """
    with transaction.atomic():
        order = _locked(order, store)
        if order.status == READY:
            raise CollectRefused(
                _("Order %(number)s is already marked ready.")
                % {"number": order.number}
            )
        if order.status not in TO_PREPARE:
            raise CollectRefused(
                _("Order %(number)s cannot be made ready from its status.")
                % {"number": order.number}
            )
        status = order.status
        order.set_status(READY)
        audit_order_status(order=order, before=status, actor=Actor(by, Source.COUNTER))
        _note(
            order,
            by,
            _stored(
                gettext_lazy("Ready for collection at %(store)s."), store=store.name
            ),
        )
        if not order.email:
            return False
        transaction.on_commit(
            lambda: ready_email_send(order=order, store=store), robust=True
        )
        return True


def ready_email_send(*, order, store) -> None:
    """Tell the customer, in the order's language, where and when to collect."""
    payment = CheckoutPayment.objects.filter(order=order).first()
    language = payment.language if payment else settings.LANGUAGE_CODE
    events = list(order.payment_events.select_related("event_type"))
    paid = order_amount_paid(events=events)
    method = payment.method if payment else ""
    with translation.override(language):
        context = {
            "order": order,
            "store": store,
            "opening_periods": list(store.opening_periods.all()),
            "lines": list(order.lines.order_by("pk")),
            "pickup_date": order.origin.pickup_date,
            "amount_due": (
                order.total_incl_tax - paid
                if order_payment_state(
                    method=method, total=order.total_incl_tax, paid=paid
                )
                == PaymentState.DUE
                else None
            ),
        }
        subject = render_to_string(
            "instore/emails/ready_for_collection_subject.txt", context
        )
        body = render_to_string("instore/emails/ready_for_collection_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[order.email],
        headers={"Content-Language": language},
    ).send()


def collect_handover(*, order, store, payment: PickupPayment | None, by) -> Handover:
    """Hand a collect order over: take a pay-at-pickup payment, then complete it.

    An order still to prepare may be handed over at once (the customer is at
    the counter); it passes through "ready" without an email. Cash goes into
    the store's open drawer; the goods leave its shelf.
    """
    with transaction.atomic():
        order = _locked(order, store)
        cash = None
        reference = ""
        state = _payment_state(order)
        if state == PaymentState.DUE:
            cash, reference = _pickup_payment_take(order, store, payment, by)
        elif state == PaymentState.INCOMPLETE:
            raise CollectRefused(
                _(
                    "The payment of order %(number)s is not complete: ask the "
                    "office before handing it over."
                )
                % {"number": order.number}
            )
        elif payment is not None:
            raise CollectRefused(
                _("Order %(number)s is already paid: hand it over without payment.")
                % {"number": order.number}
            )
        status = order.status
        if order.status in TO_PREPARE:
            order.set_status(READY)
        order.set_status(COMPLETE)
        audit_order_status(order=order, before=status, actor=Actor(by, Source.COUNTER))
        _shelf_release(order)
        _note(order, by, _handover_note(order, store, cash, reference))
        return Handover(order=order, cash_taken=cash, card_reference=reference)


def _payment_state(order) -> str:
    payment = getattr(order, "checkout_payment", None)
    events = list(order.payment_events.select_related("event_type"))
    return order_payment_state(
        method=payment.method if payment else "",
        total=order.total_incl_tax,
        paid=order_amount_paid(events=events),
    )


def _pickup_payment_take(order, store, payment: PickupPayment | None, by):
    """Record the money a pay-at-pickup customer gives; return (cash, reference)."""
    if payment is None or payment.method not in (Method.CASH, Method.CARD_TERMINAL):
        raise CollectRefused(
            _(
                "Order %(number)s is paid at pickup: take cash, or the card "
                "terminal's slip number."
            )
            % {"number": order.number}
        )
    reference = payment.reference.strip()
    if payment.method == Method.CARD_TERMINAL and not reference:
        raise CollectRefused(_("Enter the card terminal's slip number."))
    if len(reference) > 64:
        raise CollectRefused(_("The slip number is at most 64 characters."))
    session = None
    if payment.method == Method.CASH:
        session = drawer_session_current(store=store)
        if session is None:
            raise CollectRefused(_("Open the cash drawer before taking cash."))
    try:
        order_mark_paid(
            order=order,
            reference=reference,
            tender=payment.method,
            actor=Actor(by, Source.COUNTER),
        )
    except PaymentActionRefused as refusal:
        raise CollectRefused(str(refusal)) from refusal
    if session is None:
        return None, reference
    cash_movement_record(
        session=session,
        kind=CashMovement.Kind.SALE,
        amount=order.total_incl_tax,
        by=by,
        reason=_stored(gettext_lazy("Click & collect %(number)s"), number=order.number),
    )
    return order.total_incl_tax, ""


def _handover_note(order, store, cash, reference: str) -> str:
    if cash is not None:
        return _stored(
            gettext_lazy("Handed over at %(store)s; %(amount)s paid in cash."),
            store=store.name,
            amount=f"{cash} {order.currency}",
        )
    if reference:
        return _stored(
            gettext_lazy(
                "Handed over at %(store)s; paid on the card terminal (slip %(slip)s)."
            ),
            store=store.name,
            slip=reference,
        )
    return _stored(gettext_lazy("Handed over at %(store)s."), store=store.name)


def _shelf_release(order) -> None:
    """The goods left the shelf: their allocation becomes units gone from stock."""
    for line in order.lines.select_related("stockrecord"):
        record = line.stockrecord
        if record is None:
            continue
        if record.is_allocation_consumption_possible(line.quantity):
            record.consume_allocation(line.quantity)
        else:
            # Stock was counted or corrected since: hand over anyway, tell why.
            logger.warning(
                "Order %s: %s units of record %s not allocated at handover",
                order.number,
                line.quantity,
                record.pk,
            )


# The shelf.


def shelf_stock_receive(*, store, stockrecord, quantity: int, note: str, by):
    """Add units delivered to the store's shelf, logged for the office's audit."""
    if stockrecord.partner_id != store.pk:
        raise StockRefused(_("This product is not on this store's shelf."))
    if quantity < 1 or quantity > MAX_RECEIVED:
        raise StockRefused(
            _("Enter a number of units from 1 to %(max)d.") % {"max": MAX_RECEIVED}
        )
    note = " ".join(note.split())
    if not note:
        raise StockRefused(
            _("Say where the goods come from (delivery note, transfer…).")
        )
    with transaction.atomic():
        record = StockRecord.objects.select_for_update().get(pk=stockrecord.pk)
        before = record.num_in_stock or 0
        # save() rather than a queryset update: its signals re-index the
        # product and refresh cached pages (shop.receivers, search.receivers).
        record.num_in_stock = before + quantity
        record.save(update_fields=["num_in_stock", "date_updated"])
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[record],
            action_flag=CHANGE,
            change_message=_stored(
                ngettext_lazy(
                    "Received %(quantity)d unit at %(store)s (%(before)d → "
                    "%(after)d in stock): %(note)s",
                    "Received %(quantity)d units at %(store)s (%(before)d → "
                    "%(after)d in stock): %(note)s",
                    "quantity",
                ),
                quantity=quantity,
                store=store.name,
                before=before,
                after=before + quantity,
                note=note,
            ),
            single_object=True,
        )
    record.refresh_from_db()
    return record
