"""Do orders, payments and stock agree? (`manage.py check_orders_consistency`)

Read-only checks an operator runs after an incident or a load test:
- payments: every captured card payment belongs to exactly one order, captured
  once, and no checkout payment waits for staff attention;
- stripe (optional): every PaymentIntent Stripe captured has its order, and none
  holds a shopper's money without one;
- stock: no stock record is oversold (allocated beyond its stock) or negative;
- allocations: each stock record has allocated exactly what the order lines
  still holding it add up to.

A line holds its stock from placement until its order is cancelled (the stock is
released) or the goods are handed over at a store (a take-away at the counter,
a click & collect order completed: the units leave the stock). Delivered orders
keep their allocation: nothing consumes it when they ship.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_model

from shop.partner.models import StockRecord
from shop.payments.gateways import gateway_for
from shop.payments.models import CheckoutPayment
from shop.payments.services import CANCELLED, EventKind
from shop.payments.types import PaymentStatus
from shop.sales.context import Fulfilment

Line = get_model("order", "Line")
Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")

COMPLETE = "Complete"


@dataclass(frozen=True)
class Finding:
    check: str
    subject: str
    problem: str


@dataclass
class ConsistencyReport:
    # Per check, what was looked at ("412 captured card payments").
    checked: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.findings

    def found(self, check: str, subject: str, problem: str) -> None:
        self.findings.append(Finding(check, subject, problem))


def orders_consistency_check(
    *,
    stripe_since: datetime.datetime | None = None,
    held_grace: datetime.timedelta = datetime.timedelta(minutes=10),
) -> ConsistencyReport:
    """Run every check; with `stripe_since`, also read Stripe's intents since then.

    An intent authorised less than `held_grace` ago may still be on its way to
    an order (the shopper is between the bank and the shop).
    """
    report = ConsistencyReport()
    _payments_check(report)
    if stripe_since is not None:
        _stripe_check(report, since=stripe_since, held_grace=held_grace)
    _stock_check(report)
    _allocations_check(report)
    return report


def _payments_check(report: ConsistencyReport) -> None:
    captured = (
        PaymentEvent.objects.filter(event_type__code=EventKind.CAPTURED)
        .values("reference")
        .annotate(events=Count("pk"), orders=Count("order", distinct=True))
    )
    count = 0
    for row in captured:
        count += 1
        if row["orders"] != 1:
            report.found(
                "payments", row["reference"], f"captured for {row['orders']} orders"
            )
        elif row["events"] != 1:
            report.found(
                "payments", row["reference"], f"captured {row['events']} times"
            )
    unmatched = (
        PaymentEvent.objects.filter(event_type__code=EventKind.CAPTURED)
        .exclude(order__checkout_payment__reference=F("reference"))
        .values_list("order__number", "reference")
    )
    for number, reference in unmatched:
        report.found(
            "payments", f"order {number}", f"captured {reference}, not its payment"
        )
    placed_without_order = CheckoutPayment.objects.filter(
        status=CheckoutPayment.Status.PLACED, order__isnull=True
    ).values_list("order_number", flat=True)
    for number in placed_without_order:
        report.found("payments", number, "marked placed but has no order")
    attention = CheckoutPayment.objects.filter(
        status=CheckoutPayment.Status.NEEDS_ATTENTION
    ).values_list("order_number", "attention_reason")
    for number, reason in attention:
        report.found("payments", number, f"needs staff attention: {reason}")
    report.checked["payments"] = f"{count} captured card payments"


def _stripe_check(
    report: ConsistencyReport,
    *,
    since: datetime.datetime,
    held_grace: datetime.timedelta,
) -> None:
    intents = list(
        gateway_for(CheckoutPayment.Method.CARD).payments_since(
            created_after=int(since.timestamp())
        )
    )
    ours = {
        payment.reference: payment
        for payment in CheckoutPayment.objects.filter(
            reference__in=[intent.reference for intent in intents]
        ).prefetch_related("order__payment_events__event_type")
    }
    recent = set(
        CheckoutPayment.objects.filter(
            reference__in=list(ours), updated__gte=timezone.now() - held_grace
        ).values_list("reference", flat=True)
    )
    statuses: Counter = Counter()
    for intent in intents:
        statuses[intent.status] += 1
        payment = ours.get(intent.reference)
        order = payment.order if payment else None
        if intent.status == PaymentStatus.CAPTURED:
            captures = (
                sum(
                    event.event_type.code == EventKind.CAPTURED
                    for event in order.payment_events.all()
                )
                if order
                else 0
            )
            if order is None:
                report.found(
                    "stripe", intent.reference, "captured at Stripe without an order"
                )
            elif captures != 1:
                report.found(
                    "stripe",
                    intent.reference,
                    f"captured at Stripe, {captures} captures recorded "
                    f"on order {order.number}",
                )
        elif (
            intent.status == PaymentStatus.AUTHORIZED
            and order is None
            and intent.reference not in recent
        ):
            report.found(
                "stripe", intent.reference, "money held at Stripe without an order"
            )
    report.checked["stripe"] = (
        f"{len(intents)} PaymentIntents since {since:%Y-%m-%d %H:%M} "
        f"({statuses[PaymentStatus.CAPTURED]} captured, "
        f"{statuses[PaymentStatus.AUTHORIZED]} held)"
    )


def _stock_check(report: ConsistencyReport) -> None:
    in_stock = Coalesce(F("num_in_stock"), 0)
    allocated = Coalesce(F("num_allocated"), 0)
    bad = (
        StockRecord.objects.annotate(stock=in_stock, taken=allocated)
        .filter(Q(stock__lt=0) | Q(taken__lt=0) | Q(taken__gt=F("stock")))
        .select_related("partner")
        .values_list("pk", "partner_sku", "partner__name", "stock", "taken")
    )
    for pk, sku, partner, stock, taken in bad:
        problem = (
            "negative stock or allocation"
            if stock < 0 or taken < 0
            else "oversold: more allocated than in stock"
        )
        report.found(
            "stock",
            f"stock record {pk} ({sku} at {partner})",
            f"{problem} ({taken} allocated, {stock} in stock)",
        )
    report.checked["stock"] = f"{StockRecord.objects.count()} stock records"


def _holding_lines():
    """Order lines whose units are still allocated (see the module docstring)."""
    return (
        Line.objects.exclude(order__status=CANCELLED)
        .exclude(order__origin__fulfilment=Fulfilment.TAKE_AWAY)
        .exclude(order__origin__fulfilment=Fulfilment.COLLECT, order__status=COMPLETE)
        .filter(stockrecord__isnull=False)
        # Products that do not track stock are never allocated.
        .exclude(product__product_class__track_stock=False)
        .exclude(product__parent__product_class__track_stock=False)
    )


def _allocations_check(report: ConsistencyReport) -> None:
    lines = _holding_lines()
    for pk, number, quantity, allocated in lines.exclude(
        num_allocated=F("quantity")
    ).values_list("pk", "order__number", "quantity", "num_allocated"):
        report.found(
            "allocations",
            f"order {number}, line {pk}",
            f"{allocated} allocated for {quantity} ordered",
        )
    orphans = Line.objects.filter(
        stockrecord__isnull=True, product__isnull=False
    ).exclude(order__status=CANCELLED)
    for pk, number in orphans.values_list("pk", "order__number"):
        report.found(
            "allocations", f"order {number}, line {pk}", "no stock record allocated"
        )
    held = dict(
        lines.values("stockrecord_id")
        .annotate(units=Sum("quantity"))
        .values_list("stockrecord_id", "units")
    )
    records = StockRecord.objects.filter(
        Q(pk__in=list(held)) | Q(num_allocated__gt=0)
    ).values_list("pk", "partner_sku", "num_allocated")
    for pk, sku, allocated in records:
        if (allocated or 0) != held.get(pk, 0):
            report.found(
                "allocations",
                f"stock record {pk} ({sku})",
                f"{allocated or 0} allocated, open order lines hold {held.get(pk, 0)}",
            )
    report.checked["allocations"] = (
        f"{Order.objects.count()} orders, {len(held)} stock records held by their lines"
    )
