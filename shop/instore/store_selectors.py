"""Reads of one store's back office: its orders, its click & collect queue and
its shelf.

"The store's orders" are those the store answers for (OrderOrigin.store): sold
at its counter, or collected there. Each read loads what its page shows in a
fixed number of queries, then builds plain rows without querying.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, IntegerField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_model

from shop.checkout.statuses import status_label
from shop.payments.models import CheckoutPayment
from shop.payments.services import EVENT_NAMES, EventKind
from shop.sales.context import Channel, Fulfilment

Order = get_model("order", "Order")
Line = get_model("order", "Line")
PaymentEvent = get_model("order", "PaymentEvent")
StockRecord = get_model("partner", "StockRecord")

Method = CheckoutPayment.Method

# Order statuses (OSCAR_ORDER_STATUS_PIPELINE) of the click & collect queue.
PENDING = "Pending"
BEING_PROCESSED = "Being processed"
READY = "Ready for collection"
COMPLETE = "Complete"
CANCELLED = "Cancelled"
TO_PREPARE = (PENDING, BEING_PROCESSED)
STATUSES = (PENDING, BEING_PROCESSED, READY, "Shipped", COMPLETE, CANCELLED)

# A shelf record without its own threshold is low below this many free units.
LOW_STOCK_DEFAULT = 3

ZERO = Decimal("0.00")


# Payment state: what is left to take when the goods are handed over.


class PaymentState:
    PAID = "paid"
    DUE = "due"  # pay at pickup: taken at the handover
    INCOMPLETE = "incomplete"  # e.g. a card payment Stripe never captured


def order_amount_paid(*, events) -> Decimal:
    """Money received for an order, from its payment events (loaded)."""
    received = sum(
        (
            event.amount
            for event in events
            if event.event_type.code in (EventKind.CAPTURED, EventKind.PAID)
        ),
        ZERO,
    )
    refunded = sum(
        (e.amount for e in events if e.event_type.code == EventKind.REFUNDED), ZERO
    )
    return received - refunded


def order_payment_state(*, method: str, total: Decimal, paid: Decimal) -> str:
    """Tell whether an order still needs paying at the handover, and how."""
    if paid >= total:
        return PaymentState.PAID
    if method == Method.PAY_AT_PICKUP and paid == ZERO:
        return PaymentState.DUE
    return PaymentState.INCOMPLETE


def _method(order) -> str:
    payment = getattr(order, "checkout_payment", None)
    return payment.method if payment is not None else ""


def _method_label(order) -> str:
    payment = getattr(order, "checkout_payment", None)
    return payment.get_method_display() if payment is not None else ""


def _customer(order) -> str:
    """The name staff call the customer by, else their email."""
    if order.user_id:
        name = order.user.get_full_name()
        if name:
            return name
    address = order.shipping_address
    if address is not None:
        name = f"{address.first_name} {address.last_name}".strip()
        if name:
            return name
    return order.email or ""


def _phone(order) -> str:
    if order.user_id and hasattr(order.user, "phone"):
        return order.user.phone.number
    address = order.shipping_address
    if address is not None and address.phone_number:
        return str(address.phone_number)
    return ""


def _origin(order):
    return getattr(order, "origin", None)


# Orders.


@dataclass(frozen=True)
class OrderFilters:
    channel: str = ""
    status: str = ""
    placed_from: datetime.date | None = None
    placed_until: datetime.date | None = None
    query: str = ""


@dataclass(frozen=True)
class StoreOrderRow:
    number: str
    placed: datetime.datetime
    channel: str
    channel_label: str
    fulfilment_label: str
    pickup_date: datetime.date | None
    customer: str
    email: str
    method_label: str
    total: Decimal
    currency: str
    status: str
    status_label: str


def _store_orders(store) -> QuerySet:
    return Order.objects.filter(origin__store=store).select_related(
        "origin", "user", "user__phone", "checkout_payment", "shipping_address"
    )


def _search(query: str) -> Q:
    """Match an order number, a customer's email or phone number."""
    from shop.sales.phones import phone_normalise

    match = (
        Q(number__icontains=query)
        | Q(guest_email__icontains=query)
        | Q(user__email__icontains=query)
    )
    phone = phone_normalise(text=query) if any(c.isdigit() for c in query) else None
    if phone:
        match |= Q(user__phone__number=phone) | Q(shipping_address__phone_number=phone)
    return match


def store_orders_get(*, store, filters: OrderFilters) -> QuerySet:
    """The store's orders matching the filters, newest first."""
    orders = _store_orders(store)
    if filters.channel:
        orders = orders.filter(origin__channel=filters.channel)
    if filters.status:
        orders = orders.filter(status=filters.status)
    # Dates are the store's local days (USE_TZ, TIME_ZONE).
    if filters.placed_from:
        orders = orders.filter(date_placed__date__gte=filters.placed_from)
    if filters.placed_until:
        orders = orders.filter(date_placed__date__lte=filters.placed_until)
    query = filters.query.strip()
    if query:
        orders = orders.filter(_search(query))
    return orders.order_by("-date_placed", "-pk")


def store_order_rows(*, orders) -> list[StoreOrderRow]:
    """Rows of an orders list, from orders loaded by store_orders_get."""
    rows = []
    for order in orders:
        origin = _origin(order)
        rows.append(
            StoreOrderRow(
                number=order.number,
                placed=order.date_placed,
                channel=origin.channel if origin else "",
                channel_label=origin.get_channel_display() if origin else "",
                fulfilment_label=origin.get_fulfilment_display() if origin else "",
                pickup_date=origin.pickup_date if origin else None,
                customer=_customer(order),
                email=order.email or "",
                method_label=_method_label(order),
                total=order.total_incl_tax,
                currency=order.currency,
                status=order.status,
                status_label=status_label(order.status),
            )
        )
    return rows


def store_order_get(*, store, number: str):
    """One of the store's orders by number, or None (another store's, or none)."""
    return (
        _store_orders(store)
        .select_related("counter_sale")
        .filter(number=number)
        .first()
    )


@dataclass(frozen=True)
class PaymentLine:
    label: str
    amount: Decimal
    reference: str
    date: datetime.datetime


@dataclass(frozen=True)
class StatusStep:
    label: str
    date: datetime.datetime


@dataclass(frozen=True)
class StoreOrderDetail:
    order: object
    lines: list
    surcharges: list
    method_label: str
    events: list[PaymentLine]
    history: list[StatusStep]
    notes: list
    customer: str
    email: str
    phone: str
    status_label: str
    amount_paid: Decimal
    payment_state: str
    is_collect: bool
    can_mark_ready: bool
    can_hand_over: bool


def store_order_detail_get(*, order) -> StoreOrderDetail:
    """What the order page shows: lines, totals, payment, origin and history."""
    events = list(order.payment_events.select_related("event_type").order_by("pk"))
    paid = order_amount_paid(events=events)
    origin = _origin(order)
    is_collect = origin is not None and origin.fulfilment == Fulfilment.COLLECT
    return StoreOrderDetail(
        order=order,
        lines=list(order.lines.select_related("product").order_by("pk")),
        surcharges=list(order.surcharges.all()),
        method_label=_method_label(order),
        events=[
            PaymentLine(
                label=str(EVENT_NAMES.get(e.event_type.code, e.event_type.name)),
                amount=e.amount,
                reference=e.reference,
                date=e.date_created,
            )
            for e in events
        ],
        history=[
            StatusStep(label=status_label(change.new_status), date=change.date_created)
            for change in order.status_changes.order_by("date_created", "pk")
        ],
        notes=list(order.notes.select_related("user").order_by("date_created")),
        customer=_customer(order),
        email=order.email or "",
        phone=_phone(order),
        status_label=status_label(order.status),
        amount_paid=paid,
        payment_state=order_payment_state(
            method=_method(order), total=order.total_incl_tax, paid=paid
        ),
        is_collect=is_collect,
        can_mark_ready=is_collect and order.status in TO_PREPARE,
        can_hand_over=is_collect and order.status in (*TO_PREPARE, READY),
    )


# The click & collect queue.


@dataclass(frozen=True)
class QueueEntry:
    number: str
    placed: datetime.datetime
    pickup_date: datetime.date | None
    from_counter: bool  # a reservation made at the counter, not online
    customer: str
    email: str
    phone: str
    lines: list[tuple[str, int]]
    total: Decimal
    currency: str
    method_label: str
    payment_state: str
    amount_due: Decimal
    status: str
    ready_since: datetime.datetime | None
    overdue: bool  # its pickup date has passed


@dataclass(frozen=True)
class CollectQueue:
    to_prepare: list[QueueEntry]
    ready: list[QueueEntry]


def collect_queue_get(*, store) -> CollectQueue:
    """Orders to collect at the store, to prepare and ready, oldest first."""
    orders = list(
        _store_orders(store)
        .filter(
            origin__fulfilment=Fulfilment.COLLECT,
            status__in=(*TO_PREPARE, READY),
        )
        .prefetch_related(
            Prefetch("lines", queryset=Line.objects.order_by("pk")),
            Prefetch(
                "payment_events",
                queryset=PaymentEvent.objects.select_related("event_type"),
            ),
            "status_changes",
        )
        .order_by("date_placed", "pk")
    )
    today = timezone.localdate()
    queue = CollectQueue(to_prepare=[], ready=[])
    for order in orders:
        entry = _queue_entry(order, today)
        (queue.ready if order.status == READY else queue.to_prepare).append(entry)
    return queue


def _queue_entry(order, today: datetime.date) -> QueueEntry:
    origin = order.origin
    events = list(order.payment_events.all())
    paid = order_amount_paid(events=events)
    state = order_payment_state(
        method=_method(order), total=order.total_incl_tax, paid=paid
    )
    ready_since = max(
        (c.date_created for c in order.status_changes.all() if c.new_status == READY),
        default=None,
    )
    return QueueEntry(
        number=order.number,
        placed=order.date_placed,
        pickup_date=origin.pickup_date,
        from_counter=origin.channel == Channel.IN_STORE,
        customer=_customer(order),
        email=order.email or "",
        phone=_phone(order),
        lines=[(line.title, line.quantity) for line in order.lines.all()],
        total=order.total_incl_tax,
        currency=order.currency,
        method_label=_method_label(order),
        payment_state=state,
        amount_due=order.total_incl_tax - paid if state == PaymentState.DUE else ZERO,
        status=order.status,
        ready_since=ready_since,
        overdue=origin.pickup_date is not None and origin.pickup_date < today,
    )


# The shelf.


@dataclass(frozen=True)
class ShelfRow:
    record_id: int
    title: str
    sku: str
    barcode: str
    in_stock: int
    allocated: int
    free: int
    low: bool
    price: Decimal | None
    currency: str


def store_shelf_get(*, store, query: str = "", low_only: bool = False) -> QuerySet:
    """The store's stock records, by title, with free units and a low flag."""
    records = (
        StockRecord.objects.filter(partner=store)
        .select_related("product", "product__parent")
        .annotate(
            free=Coalesce(F("num_in_stock"), 0) - Coalesce(F("num_allocated"), 0),
            threshold=Coalesce(
                F("low_stock_threshold"),
                Value(LOW_STOCK_DEFAULT),
                output_field=IntegerField(),
            ),
        )
    )
    query = query.strip()
    if query:
        records = records.filter(
            Q(product__title__icontains=query)
            | Q(product__parent__title__icontains=query)
            | Q(partner_sku__icontains=query)
            | Q(product__upc=query)
        )
    if low_only:
        records = records.filter(free__lt=F("threshold"))
    return records.order_by("product__title", "product__parent__title", "pk")


def store_shelf_rows(*, records) -> list[ShelfRow]:
    """Rows of the shelf page, from records loaded by store_shelf_get."""
    return [
        ShelfRow(
            record_id=record.pk,
            title=record.product.get_title(),
            sku=record.partner_sku,
            barcode=record.product.upc or "",
            in_stock=record.num_in_stock or 0,
            allocated=record.num_allocated or 0,
            free=record.free,
            low=record.free < record.threshold,
            price=record.price,
            currency=record.price_currency,
        )
        for record in records
    ]


def shelf_record_find(*, store, code: str):
    """The store's stock record with this SKU or product barcode, or None."""
    code = code.strip()
    if not code:
        return None
    return (
        StockRecord.objects.filter(partner=store)
        .filter(Q(partner_sku__iexact=code) | Q(product__upc=code))
        .select_related("product", "product__parent")
        .order_by("pk")
        .first()
    )
