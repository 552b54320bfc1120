"""End-of-day reports of a pilot store: per cash drawer session and per day.

Load then compute: a report loads its rows in a handful of queries (one per
kind of row, whatever the number of sales) into small dataclasses, then adds
them up without querying.

A day is the store's local day (TIME_ZONE). A drawer session covers what the
store sold and refunded while the drawer was open, and the cash movements of
that drawer: card-only sales are tied to no drawer, yet they belong to the
shift in which they were sold.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.instore.models import (
    CashMovement,
    CounterReturn,
    CounterSale,
    DrawerSession,
    SaleLineDiscount,
)
from shop.instore.services.drawer import cash_expected_compute
from shop.payments.models import CheckoutPayment
from shop.payments.services import EventKind

OrderLine = get_model("order", "Line")
PaymentEvent = get_model("order", "PaymentEvent")

ZERO = Decimal("0.00")
Method = CheckoutPayment.Method
Kind = CashMovement.Kind

# Payment totals every report shows, zero or not, in this order.
PAYMENT_CASH = "cash"
PAYMENT_CARD_TERMINAL = "card_terminal"
PAYMENT_ON_DELIVERY = "cash_on_delivery"
PAYMENT_AT_PICKUP = "collected_at_pickup"


@dataclass(frozen=True)
class SaleRow:
    sale_id: int
    order_id: int
    order_number: str
    receipt_number: str
    placed_at: datetime.datetime
    total: Decimal
    cash: Decimal
    card: Decimal
    method: str  # CheckoutPayment.Method of the order


@dataclass(frozen=True)
class LineRow:
    order_id: int
    product_id: int | None
    title: str
    quantity: int
    price: Decimal  # what the customer paid for the line
    price_before_discounts: Decimal

    @property
    def discount(self) -> Decimal:
        return self.price_before_discounts - self.price


@dataclass(frozen=True)
class DiscountRow:
    """A line discount a staff member gave, and why."""

    receipt_number: str
    title: str
    percent: Decimal
    reason: str
    granted_by: str
    amount: Decimal


@dataclass(frozen=True)
class ReturnRow:
    receipt_number: str
    order_number: str
    refund_method: str
    refund_method_label: str
    amount: Decimal
    reason: str
    created: datetime.datetime


@dataclass(frozen=True)
class MovementRow:
    session_id: int
    kind: str
    kind_label: str
    amount: Decimal
    reason: str
    sale_id: int | None
    receipt_number: str  # of the sale or return the cash belongs to
    recorded_at: datetime.datetime
    recorded_by: str

    @property
    def outgoing(self) -> bool:
        return self.kind in CashMovement.OUTGOING

    @property
    def signed_amount(self) -> Decimal:
        return -self.amount if self.outgoing else self.amount


@dataclass(frozen=True)
class SessionRow:
    pk: int
    status: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    opened_by: str
    closed_by: str
    opening_float: Decimal
    expected_cash: Decimal  # kept at closing; computed while open
    counted_cash: Decimal | None
    variance: Decimal | None
    closing_note: str

    @property
    def is_open(self) -> bool:
        return self.status == DrawerSession.Status.OPEN


@dataclass(frozen=True)
class Total:
    """One line of a breakdown: how many, how much."""

    key: str
    label: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class ItemSold:
    product_id: int | None
    title: str
    quantity: int
    revenue: Decimal


@dataclass(frozen=True)
class Report:
    """What a store sold, refunded and held in cash over a day or a drawer session."""

    store: object
    start: datetime.datetime
    end: datetime.datetime
    day: datetime.date | None
    session: SessionRow | None
    sales: list[SaleRow]
    orders_total: Decimal
    payments: list[Total]
    returns: list[ReturnRow]
    returns_by_method: list[Total]
    returns_total: Decimal
    discounts_total: Decimal
    discounts: list[DiscountRow]
    items: list[ItemSold]
    cash_movements: list[MovementRow]  # cash in and out, with their reasons
    cash_in_total: Decimal
    cash_out_total: Decimal
    sessions: list[SessionRow]
    cash_expected: Decimal
    cash_counted: Decimal | None  # None while a drawer is open
    variance: Decimal | None

    @property
    def orders_count(self) -> int:
        return len(self.sales)

    @property
    def returns_count(self) -> int:
        return len(self.returns)

    @property
    def net_total(self) -> Decimal:
        """Sales less refunds."""
        return self.orders_total - self.returns_total

    @property
    def items_count(self) -> int:
        return sum(item.quantity for item in self.items)


@dataclass
class _Loaded:
    sales: list[SaleRow] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    discounts: list[DiscountRow] = field(default_factory=list)
    returns: list[ReturnRow] = field(default_factory=list)
    movements: list[MovementRow] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)
    # Amounts paid on the store's terminal when click & collect orders were handed over.
    pickup_cards: list[Decimal] = field(default_factory=list)


# Reading rows.


def _person(first: str | None, last: str | None, email: str | None) -> str:
    return " ".join(part for part in (first, last) if part) or email or ""


def _sales_load(*, store, start, end) -> list[SaleRow]:
    rows = (
        CounterSale.objects.filter(
            store=store,
            status=CounterSale.Status.PLACED,
            order__date_placed__gte=start,
            order__date_placed__lt=end,
        )
        .order_by("order__date_placed", "pk")
        .values(
            "pk",
            "order_id",
            "order__number",
            "receipt_number",
            "order__date_placed",
            "order__total_incl_tax",
            "cash_amount",
            "card_amount",
            "order__checkout_payment__method",
        )
    )
    return [
        SaleRow(
            sale_id=row["pk"],
            order_id=row["order_id"],
            order_number=row["order__number"],
            receipt_number=row["receipt_number"],
            placed_at=row["order__date_placed"],
            total=row["order__total_incl_tax"],
            cash=row["cash_amount"] or ZERO,
            card=row["card_amount"] or ZERO,
            method=row["order__checkout_payment__method"] or "",
        )
        for row in rows
    ]


def _lines_load(*, order_ids: list[int]) -> list[LineRow]:
    if not order_ids:
        return []
    rows = (
        OrderLine.objects.filter(order_id__in=order_ids)
        .order_by("order_id", "pk")
        .values(
            "order_id",
            "product_id",
            "title",
            "quantity",
            "line_price_incl_tax",
            "line_price_before_discounts_incl_tax",
        )
    )
    return [
        LineRow(
            order_id=row["order_id"],
            product_id=row["product_id"],
            title=row["title"],
            quantity=row["quantity"],
            price=row["line_price_incl_tax"],
            price_before_discounts=(
                row["line_price_before_discounts_incl_tax"]
                if row["line_price_before_discounts_incl_tax"] is not None
                else row["line_price_incl_tax"]
            ),
        )
        for row in rows
    ]


def _discounts_load(*, sale_ids: list[int]) -> list[DiscountRow]:
    if not sale_ids:
        return []
    rows = (
        SaleLineDiscount.objects.filter(sale_id__in=sale_ids)
        .order_by("sale__order__date_placed", "pk")
        .values(
            "sale__receipt_number",
            "order_line__title",
            "line__product__title",
            "percent",
            "reason",
            "granted_by__first_name",
            "granted_by__last_name",
            "granted_by__email",
            "order_line__line_price_incl_tax",
            "order_line__line_price_before_discounts_incl_tax",
        )
    )
    discounts = []
    for row in rows:
        before = row["order_line__line_price_before_discounts_incl_tax"]
        after = row["order_line__line_price_incl_tax"]
        discounts.append(
            DiscountRow(
                receipt_number=row["sale__receipt_number"],
                title=row["order_line__title"] or row["line__product__title"] or "",
                percent=row["percent"],
                reason=row["reason"],
                granted_by=_person(
                    row["granted_by__first_name"],
                    row["granted_by__last_name"],
                    row["granted_by__email"],
                ),
                amount=(before - after) if before is not None else ZERO,
            )
        )
    return discounts


def _returns_load(*, where: Q) -> list[ReturnRow]:
    labels = dict(CounterReturn.RefundMethod.choices)
    rows = (
        CounterReturn.objects.filter(where)
        .order_by("created", "pk")
        .values(
            "receipt_number",
            "order__number",
            "refund_method",
            "amount",
            "reason",
            "created",
        )
    )
    return [
        ReturnRow(
            receipt_number=row["receipt_number"],
            order_number=row["order__number"],
            refund_method=row["refund_method"],
            refund_method_label=str(
                labels.get(row["refund_method"], row["refund_method"])
            ),
            amount=row["amount"],
            reason=row["reason"],
            created=row["created"],
        )
        for row in rows
    ]


def _movements_load(*, where: Q) -> list[MovementRow]:
    labels = dict(Kind.choices)
    rows = (
        CashMovement.objects.filter(where)
        .order_by("recorded_at", "pk")
        .values(
            "session_id",
            "kind",
            "amount",
            "reason",
            "sale_id",
            "sale__receipt_number",
            "counter_return__receipt_number",
            "recorded_at",
            "recorded_by__first_name",
            "recorded_by__last_name",
            "recorded_by__email",
        )
    )
    return [
        MovementRow(
            session_id=row["session_id"],
            kind=row["kind"],
            kind_label=str(labels.get(row["kind"], row["kind"])),
            amount=row["amount"],
            reason=row["reason"],
            sale_id=row["sale_id"],
            receipt_number=(
                row["sale__receipt_number"]
                or row["counter_return__receipt_number"]
                or ""
            ),
            recorded_at=row["recorded_at"],
            recorded_by=_person(
                row["recorded_by__first_name"],
                row["recorded_by__last_name"],
                row["recorded_by__email"],
            ),
        )
        for row in rows
    ]


def _sessions_load(*, where: Q, limit: int | None = None) -> list[SessionRow]:
    query = DrawerSession.objects.filter(where).order_by("-opened_at", "-pk")
    rows = list(
        (query[:limit] if limit else query).values(
            "pk",
            "status",
            "opened_at",
            "closed_at",
            "opening_float",
            "expected_cash",
            "counted_cash",
            "variance",
            "closing_note",
            "opened_by__first_name",
            "opened_by__last_name",
            "opened_by__email",
            "closed_by__first_name",
            "closed_by__last_name",
            "closed_by__email",
        )
    )
    # Open drawers have no expected cash kept yet: add up their movements,
    # all sessions in one query.
    open_ids = [row["pk"] for row in rows if row["status"] == DrawerSession.Status.OPEN]
    totals: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if open_ids:
        for row in (
            CashMovement.objects.filter(session_id__in=open_ids)
            .values("session_id", "kind")
            .annotate(total=Sum("amount"))
        ):
            totals[row["session_id"]][row["kind"]] = row["total"]
    sessions = []
    for row in rows:
        is_open = row["status"] == DrawerSession.Status.OPEN
        expected = (
            cash_expected_compute(
                opening_float=row["opening_float"], totals=totals[row["pk"]]
            )
            if is_open or row["expected_cash"] is None
            else row["expected_cash"]
        )
        sessions.append(
            SessionRow(
                pk=row["pk"],
                status=row["status"],
                opened_at=row["opened_at"],
                closed_at=row["closed_at"],
                opened_by=_person(
                    row["opened_by__first_name"],
                    row["opened_by__last_name"],
                    row["opened_by__email"],
                ),
                closed_by=_person(
                    row["closed_by__first_name"],
                    row["closed_by__last_name"],
                    row["closed_by__email"],
                ),
                opening_float=row["opening_float"],
                expected_cash=expected,
                counted_cash=row["counted_cash"],
                variance=row["variance"],
                closing_note=row["closing_note"],
            )
        )
    return sessions


# Computing.


def _payments_compute(loaded: _Loaded) -> list[Total]:
    cash = [sale.cash for sale in loaded.sales if sale.cash]
    card = [sale.card for sale in loaded.sales if sale.card]
    on_delivery = [
        sale.total for sale in loaded.sales if sale.method == Method.CASH_ON_DELIVERY
    ]
    # Click & collect orders paid in cash at handover: recorded in the drawer
    # only, with no counter sale (shop.instore.services.collect).
    at_pickup = [
        movement.amount
        for movement in loaded.movements
        if movement.kind == Kind.SALE and movement.sale_id is None
    ]
    card += loaded.pickup_cards
    return [
        Total(PAYMENT_CASH, _("Cash"), len(cash), sum(cash, ZERO)),
        Total(PAYMENT_CARD_TERMINAL, _("Card terminal"), len(card), sum(card, ZERO)),
        Total(
            PAYMENT_ON_DELIVERY,
            _("Pay on delivery (to collect)"),
            len(on_delivery),
            sum(on_delivery, ZERO),
        ),
        Total(
            PAYMENT_AT_PICKUP,
            _("Cash collected at pickup"),
            len(at_pickup),
            sum(at_pickup, ZERO),
        ),
    ]


def _returns_compute(returns: list[ReturnRow]) -> list[Total]:
    totals = []
    for method, label in CounterReturn.RefundMethod.choices:
        amounts = [row.amount for row in returns if row.refund_method == method]
        totals.append(Total(method, str(label), len(amounts), sum(amounts, ZERO)))
    return totals


def _items_compute(lines: list[LineRow]) -> list[ItemSold]:
    quantities: dict = defaultdict(int)
    revenues: dict = defaultdict(lambda: ZERO)
    titles: dict = {}
    for line in lines:
        # A deleted product keeps its lines under their title.
        key = line.product_id if line.product_id is not None else line.title
        quantities[key] += line.quantity
        revenues[key] += line.price
        titles.setdefault(key, line.title)
    items = [
        ItemSold(
            product_id=key if isinstance(key, int) else None,
            title=titles[key],
            quantity=quantities[key],
            revenue=revenues[key],
        )
        for key in quantities
    ]
    return sorted(items, key=lambda item: (-item.revenue, item.title))


def _report_compute(
    loaded: _Loaded, *, store, start, end, day=None, session=None
) -> Report:
    cash_movements = [
        m for m in loaded.movements if m.kind in (Kind.PAID_IN, Kind.PAID_OUT)
    ]
    counted = [s.counted_cash for s in loaded.sessions]
    closed = bool(loaded.sessions) and all(value is not None for value in counted)
    cash_expected = sum((s.expected_cash for s in loaded.sessions), ZERO)
    cash_counted = sum(counted, ZERO) if closed else None
    return Report(
        store=store,
        start=start,
        end=end,
        day=day,
        session=session,
        sales=loaded.sales,
        orders_total=sum((sale.total for sale in loaded.sales), ZERO),
        payments=_payments_compute(loaded),
        returns=loaded.returns,
        returns_by_method=_returns_compute(loaded.returns),
        returns_total=sum((row.amount for row in loaded.returns), ZERO),
        discounts_total=sum((line.discount for line in loaded.lines), ZERO),
        discounts=loaded.discounts,
        items=_items_compute(loaded.lines),
        cash_movements=cash_movements,
        cash_in_total=sum(
            (m.amount for m in cash_movements if m.kind == Kind.PAID_IN), ZERO
        ),
        cash_out_total=sum(
            (m.amount for m in cash_movements if m.kind == Kind.PAID_OUT), ZERO
        ),
        sessions=loaded.sessions,
        cash_expected=cash_expected,
        cash_counted=cash_counted,
        variance=(cash_counted - cash_expected) if closed else None,
    )


def _load(*, store, start, end, returns: Q, movements: Q, sessions: Q) -> _Loaded:
    loaded = _Loaded()
    loaded.sales = _sales_load(store=store, start=start, end=end)
    loaded.lines = _lines_load(order_ids=[sale.order_id for sale in loaded.sales])
    loaded.discounts = _discounts_load(sale_ids=[sale.sale_id for sale in loaded.sales])
    loaded.returns = _returns_load(where=returns)
    loaded.movements = _movements_load(where=movements)
    loaded.sessions = _sessions_load(where=sessions)
    loaded.pickup_cards = _pickup_cards_load(store=store, start=start, end=end)
    return loaded


def _pickup_cards_load(*, store, start, end) -> list[Decimal]:
    """Payments taken on the terminal at a handover (not counter sales): their
    order's source says card terminal (shop.payments.services.order_mark_paid)."""
    return list(
        PaymentEvent.objects.filter(
            event_type__code=EventKind.PAID,
            date_created__gte=start,
            date_created__lt=end,
            order__origin__store=store,
            order__counter_sale__isnull=True,
            order__sources__source_type__code=Method.CARD_TERMINAL,
        ).values_list("amount", flat=True)
    )


# The selectors.


def day_bounds(*, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of a local day and of the next one.

    Each midnight is made aware on its own: Morocco's clocks move around
    Ramadan, so a day is not always 24 hours.
    """
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), tz)
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min),
        tz,
    )
    return start, end


def day_report_get(*, store, day: datetime.date) -> Report:
    """What a store sold, refunded and held in its drawers on one local day."""
    start, end = day_bounds(day=day)
    loaded = _load(
        store=store,
        start=start,
        end=end,
        returns=Q(store=store, created__gte=start, created__lt=end),
        movements=Q(session__store=store, recorded_at__gte=start, recorded_at__lt=end),
        sessions=Q(store=store, opened_at__lt=end)
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=start)),
    )
    return _report_compute(loaded, store=store, start=start, end=end, day=day)


def session_report_get(*, session: DrawerSession) -> Report:
    """What a store sold and refunded while a drawer was open, and its cash."""
    store = session.store
    start = session.opened_at
    # An open session's report runs up to now; nothing later exists yet.
    end = session.closed_at or timezone.now() + datetime.timedelta(seconds=1)
    loaded = _load(
        store=store,
        start=start,
        end=end,
        returns=Q(drawer_session=session)
        | Q(store=store, created__gte=start, created__lt=end),
        movements=Q(session=session),
        sessions=Q(pk=session.pk),
    )
    return _report_compute(
        loaded, store=store, start=start, end=end, session=loaded.sessions[0]
    )


@dataclass(frozen=True)
class DrawerOverview:
    """The drawer page: the open session with its movements, and past sessions."""

    current: SessionRow | None
    movements: list[MovementRow]
    past: list[SessionRow]


def drawer_overview_get(*, store, past: int = 20) -> DrawerOverview:
    """The store's open drawer (if any) with its movements, and the last sessions."""
    sessions = _sessions_load(where=Q(store=store), limit=past + 1)
    current = next((s for s in sessions if s.is_open), None)
    movements = _movements_load(where=Q(session_id=current.pk)) if current else []
    return DrawerOverview(
        current=current,
        movements=movements,
        past=[s for s in sessions if not s.is_open][:past],
    )
