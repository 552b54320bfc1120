"""Counter demo: each pilot store's drawer open, a few sales done and parked,
made through the counter's own services (so they are what staff would make).

Idempotent: a store that already has sales done or parked is left as it is.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import ngettext

from shop.instore.models import CounterSale
from shop.instore.services import sales
from shop.instore.services.drawer import drawer_session_current, drawer_session_open
from shop.partner.models import Partner, StockRecord
from shop.sales.context import Fulfilment

OPENING_FLOAT = Decimal("500.00")


@dataclass(frozen=True)
class DemoSale:
    lines: tuple[tuple[int, int], ...]  # (index on the store's shelf, quantity)
    payment: str = ""  # empty: the sale is parked
    label: str = ""
    customer: str = ""
    discount: tuple[Decimal, str] | None = None  # on the first line
    fulfilment: str = Fulfilment.TAKE_AWAY


STORE_SALES = {
    "boutique-casablanca": (
        "casablanca@terroir.ma",
        [
            DemoSale(lines=((0, 2), (3, 1)), payment="cash"),
            DemoSale(
                lines=((5, 1),),
                payment="card_terminal",
                customer="client@terroir.ma",
            ),
            DemoSale(
                lines=((1, 1), (2, 2)),
                payment="split",
                discount=(Decimal("10"), "Flacon légèrement abîmé"),
            ),
            DemoSale(lines=((4, 1), (6, 1)), label="Mme Tazi, sac bleu"),
            DemoSale(lines=((7, 3),), label="M. Alaoui revient après la banque"),
        ],
    ),
    "boutique-marrakech": (
        "marrakech@terroir.ma",
        [
            DemoSale(lines=((0, 1), (2, 1)), payment="cash"),
            DemoSale(lines=((1, 2),), label="Touriste, revient à 17 h"),
        ],
    ),
}


def counter_demo_load(*, stdout) -> None:
    """Open the drawers and record the demo's counter sales, once."""
    users = get_user_model().objects
    made = 0
    with translation.override("fr"):
        for code, (email, demo_sales) in STORE_SALES.items():
            store = Partner.objects.filter(code=code).first()
            staff = users.filter(email=email).first()
            if store is None or staff is None:
                continue
            if drawer_session_current(store=store) is None:
                drawer_session_open(store=store, opening_float=OPENING_FLOAT, by=staff)
            if CounterSale.objects.filter(
                store=store,
                status__in=[CounterSale.Status.PLACED, CounterSale.Status.PARKED],
            ).exists():
                continue
            shelf = list(
                StockRecord.objects.filter(partner=store, num_in_stock__gte=5)
                .select_related("product")
                .order_by("product__title")
            )
            for demo in demo_sales:
                with transaction.atomic():
                    _sale_make(store, staff, shelf, demo)
                made += 1
    stdout.write(
        "  "
        + ngettext(
            "Counter sales: %(count)d created; every store's drawer is open.",
            "Counter sales: %(count)d created; every store's drawer is open.",
            made,
        )
        % {"count": made}
    )


def _sale_make(store, staff, shelf, demo: DemoSale) -> None:
    sale = sales.sale_open(store=store, by=staff)
    for index, quantity in demo.lines:
        product = shelf[index % len(shelf)].product
        sales.sale_line_add(sale=sale, product=product, quantity=quantity, by=staff)
    if demo.discount:
        line = sale.basket.lines.order_by("pk").first()
        sales.sale_line_discount_set(
            sale=sale,
            line_id=line.pk,
            percent=demo.discount[0],
            reason=demo.discount[1],
            by=staff,
        )
    if demo.customer:
        customer = get_user_model().objects.filter(email=demo.customer).first()
        sales.sale_customer_set(sale=sale, customer=customer, by=staff)
    if not demo.payment:
        sales.sale_park(sale=sale, label=demo.label, by=staff)
        return
    total = sales.sale_priced(sale=sale).total
    card = (total / 2).quantize(Decimal("0.01")) if demo.payment == "split" else None
    cash_due = total - (card or 0) if demo.payment != "card_terminal" else None
    sales.sale_place(
        sale=sale,
        payment=sales.CounterPayment(
            method=demo.payment,
            cash_tendered=_rounded_up(cash_due) if cash_due is not None else None,
            card_amount=card,
            card_reference="TPE-DEMO-001" if demo.payment != "cash" else "",
        ),
        by=staff,
    )


def _rounded_up(amount: Decimal) -> Decimal:
    """What a customer hands over: the next 50 dirhams."""
    return ((amount // 50) + 1) * 50
