"""Reads for returns at the counter: an order found by its number, what is still
returnable of each of its lines, a store's returns and a return's receipt."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from oscar.core.loading import get_model

from shop.instore.models import CounterReturn, CounterReturnLine, CounterSale
from shop.payments.models import CheckoutPayment
from shop.payments.services import CANCELLED, EventKind

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Events that brought money in: a captured card, cash or a terminal slip.
MONEY_IN = (EventKind.CAPTURED, EventKind.PAID)


@dataclass(frozen=True)
class ReturnableLine:
    """An order line with what earlier returns took back of it."""

    line: object  # oscar order Line
    returned: int
    refunded: Decimal

    @property
    def bought(self) -> int:
        return self.line.quantity

    @property
    def left(self) -> int:
        return max(self.bought - self.returned, 0)

    @property
    def paid(self) -> Decimal:
        """What the customer paid for the whole line, after its discounts."""
        return self.line.line_price_incl_tax

    @property
    def unit_paid(self) -> Decimal:
        return (self.paid / self.bought).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReturnableOrder:
    order: object  # oscar Order
    lines: list[ReturnableLine]
    returns: list[CounterReturn]  # earlier counter returns, newest first
    paid: Decimal  # money recorded as received on the order
    refunded: Decimal  # money given back so far, at counters or on the card

    @property
    def cancelled(self) -> bool:
        return self.order.status == CANCELLED

    @property
    def units_left(self) -> int:
        return sum(line.left for line in self.lines)

    @property
    def refundable(self) -> Decimal:
        return max(self.paid - self.refunded, ZERO)

    def line(self, pk: int) -> ReturnableLine | None:
        return next((item for item in self.lines if item.line.pk == pk), None)


def order_for_return_find(*, number: str) -> object | None:
    """The order with this number, or of the counter sale with this receipt number.

    Online orders are found by the number in the customer's confirmation; a
    counter receipt shows both, and a scanner may read either.
    """
    number = (number or "").strip()
    if not number:
        return None
    order = Order.objects.filter(number=number).first()
    if order is not None:
        return order
    sale = (
        CounterSale.objects.filter(receipt_number__iexact=number, order__isnull=False)
        .select_related("order")
        .first()
    )
    return sale.order if sale else None


def order_lines_returned(*, order) -> dict[int, tuple[int, Decimal]]:
    """Units and money already taken back per order line id."""
    rows = (
        CounterReturnLine.objects.filter(counter_return__order=order)
        .values("order_line_id")
        .annotate(units=Sum("quantity"), money=Sum("amount"))
    )
    return {row["order_line_id"]: (row["units"], row["money"]) for row in rows}


def order_money_get(*, order) -> tuple[Decimal, Decimal]:
    """Money received on the order and money given back, from its payment events."""
    totals = PaymentEvent.objects.filter(order=order).aggregate(
        received=Sum("amount", filter=Q(event_type__code__in=MONEY_IN)),
        refunded=Sum("amount", filter=Q(event_type__code=EventKind.REFUNDED)),
    )
    return totals["received"] or ZERO, totals["refunded"] or ZERO


def order_returnable_get(*, order) -> ReturnableOrder:
    """The order's lines with what is still returnable, in a fixed number of queries."""
    returned = order_lines_returned(order=order)
    lines = [
        ReturnableLine(
            line=line,
            returned=returned.get(line.pk, (0, ZERO))[0],
            refunded=returned.get(line.pk, (0, ZERO))[1],
        )
        for line in order.lines.select_related("product").order_by("pk")
    ]
    returns = list(
        order.counter_returns.select_related("store", "processed_by").order_by("-pk")
    )
    paid, refunded = order_money_get(order=order)
    return ReturnableOrder(
        order=order, lines=lines, returns=returns, paid=paid, refunded=refunded
    )


def counter_returns_recent(*, store, limit: int = 20) -> list[CounterReturn]:
    """The store's latest returns, newest first."""
    return list(
        CounterReturn.objects.filter(store=store)
        .select_related("order", "processed_by")
        .annotate(units=Sum("lines__quantity"), line_count=Count("lines"))
        .order_by("-created", "-pk")[:limit]
    )


def counter_return_get(*, store, pk: int) -> CounterReturn | None:
    """One of the store's returns (another store's is none of its business)."""
    return (
        CounterReturn.objects.filter(store=store, pk=pk)
        .select_related("store", "order", "order__origin", "processed_by")
        .prefetch_related("lines__order_line")
        .first()
    )


def order_language_get(*, order) -> str:
    """The language the customer ordered in (their emails are in it)."""
    language = (
        CheckoutPayment.objects.filter(order=order)
        .values_list("language", flat=True)
        .first()
    )
    return language or settings.LANGUAGE_CODE


def return_receipt_context_get(*, counter_return: CounterReturn) -> dict:
    """What a return receipt shows, printed or emailed."""
    language = order_language_get(order=counter_return.order)
    lines = [
        {
            "title": item.order_line.title,
            "sku": item.order_line.partner_sku,
            "quantity": item.quantity,
            "amount": item.amount,
            "unit": (item.amount / item.quantity).quantize(CENT, ROUND_HALF_UP),
        }
        for item in counter_return.lines.all()
    ]
    sale = CounterSale.objects.filter(order=counter_return.order).first()
    return {
        "counter_return": counter_return,
        "store": counter_return.store,
        "order": counter_return.order,
        "sale_receipt_number": sale.receipt_number if sale else "",
        "lines": lines,
        "units": sum(line["quantity"] for line in lines),
        "currency": counter_return.order.currency,
        "is_cash": counter_return.refund_method == CounterReturn.RefundMethod.CASH,
        # Printed, like the sale receipt, in the language the customer bought in.
        "language": language,
        "receipt_language": language,
    }
