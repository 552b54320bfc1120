"""Counter sales, service by service: lines, discounts, payment, placement."""

from decimal import Decimal

import pytest

from shop.instore.models import CashMovement, CounterSale
from shop.instore.services import sales
from shop.instore.services.drawer import drawer_cash_expected, drawer_session_open
from shop.instore.services.sales import CounterPayment, SaleRefused
from shop.sales.context import Channel, Fulfilment
from shop.sales.phones import phone_normalise

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawer(store_a, staff_a):
    return drawer_session_open(
        store=store_a, opening_float=Decimal("200.00"), by=staff_a
    )


@pytest.fixture
def sale(store_a, staff_a):
    return sales.sale_open(store=store_a, by=staff_a)


def test_a_take_away_sale_paid_in_cash(sale, staff_a, argan_oil, saffron, drawer):
    """Two products off the shelf, paid in cash: change, receipt number, stock
    taken from the store's shelf, cash in the drawer, order marked paid."""
    sales.sale_line_add(sale=sale, product=argan_oil, quantity=2, by=staff_a)
    sales.sale_line_add(sale=sale, product=saffron, quantity=1, by=staff_a)

    order = sales.sale_place(
        sale=sale,
        payment=CounterPayment("cash", cash_tendered=Decimal("400.00")),
        by=staff_a,
    )

    sale.refresh_from_db()
    assert order.total_incl_tax == Decimal("335.00")  # 2 × 120 + 95
    assert sale.status == CounterSale.Status.PLACED
    assert sale.change_given == Decimal("65.00")
    assert sale.receipt_number.endswith("-000001")
    assert order.status == "Complete"
    assert order.origin.channel == Channel.IN_STORE
    assert order.origin.fulfilment == Fulfilment.TAKE_AWAY
    assert order.origin.store == sale.store
    assert order.origin.placed_by == staff_a
    assert {line.partner_id for line in order.lines.all()} == {sale.store.pk}
    # Taken away: off the shelf (5 − 2 argan oils, 10 − 1 saffron), none held.
    levels = sorted(
        (line.stockrecord.num_in_stock, line.stockrecord.num_allocated)
        for line in order.lines.select_related("stockrecord")
    )
    assert levels == [(3, 0), (9, 0)]
    assert drawer_cash_expected(session=drawer) == Decimal("535.00")
    assert order.sources.get().amount_debited == Decimal("335.00")


def test_a_split_payment_records_cash_and_card(sale, staff_a, argan_oil, drawer):
    """Part by card on the terminal, the rest in cash: two payment sources."""
    sales.sale_line_add(sale=sale, product=argan_oil, quantity=3, by=staff_a)

    order = sales.sale_place(
        sale=sale,
        payment=CounterPayment(
            "split",
            card_amount=Decimal("200.00"),
            cash_tendered=Decimal("200.00"),
            card_reference="TPE-4471",
        ),
        by=staff_a,
    )

    sources = {s.source_type.code: s for s in order.sources.all()}
    assert sources["cash"].amount_debited == Decimal("160.00")
    assert sources["card_terminal"].amount_debited == Decimal("200.00")
    assert sources["card_terminal"].reference == "TPE-4471"
    sale.refresh_from_db()
    assert sale.change_given == Decimal("40.00")
    assert drawer.movements.get().amount == Decimal("160.00")


def test_a_second_place_order_returns_the_same_order(sale, staff_a, argan_oil, drawer):
    """A double submit of "pay" places one order and takes the cash once."""
    sales.sale_line_add(sale=sale, product=argan_oil, quantity=1, by=staff_a)
    payment = CounterPayment("cash", cash_tendered=Decimal("120.00"))

    first = sales.sale_place(sale=sale, payment=payment, by=staff_a)
    second = sales.sale_place(sale=sale, payment=payment, by=staff_a)

    assert first == second
    assert CashMovement.objects.count() == 1


@pytest.mark.parametrize(
    ("payment", "message"),
    [
        (CounterPayment("cash", cash_tendered=Decimal("100.00")), "must cover 120.00"),
        (CounterPayment("cash"), "must cover"),
        (CounterPayment("card_terminal"), "reference printed on the card"),
        (
            CounterPayment(
                "split",
                card_amount=Decimal("130.00"),
                cash_tendered=Decimal("0"),
                card_reference="X1",
            ),
            "card pays part of the total",
        ),
        (
            CounterPayment(
                "split",
                card_amount=Decimal("100.00"),
                cash_tendered=Decimal("10.00"),
                card_reference="X1",
            ),
            "must cover 20.00",
        ),
        (CounterPayment("cash_on_delivery"), "only for goods delivered"),
        (CounterPayment("bitcoin"), "Choose how the customer pays"),
    ],
)
def test_payments_that_do_not_add_up_are_refused(
    sale, staff_a, argan_oil, drawer, payment, message, english
):
    """Each wrong payment gets its reason and nothing is placed."""
    sales.sale_line_add(sale=sale, product=argan_oil, quantity=1, by=staff_a)

    with pytest.raises(SaleRefused, match=message):
        sales.sale_place(sale=sale, payment=payment, by=staff_a)

    sale.refresh_from_db()
    assert sale.status == CounterSale.Status.OPEN
    assert sale.order is None
    assert not CashMovement.objects.exists()


def test_cash_needs_an_open_drawer(sale, staff_a, argan_oil, english):
    """No drawer open: cash is refused, a card terminal payment is not."""
    sales.sale_line_add(sale=sale, product=argan_oil, quantity=1, by=staff_a)
    with pytest.raises(SaleRefused, match="Open the cash drawer"):
        sales.sale_place(
            sale=sale,
            payment=CounterPayment("cash", cash_tendered=Decimal("200")),
            by=staff_a,
        )
    order = sales.sale_place(
        sale=sale,
        payment=CounterPayment("card_terminal", card_reference="T9"),
        by=staff_a,
    )
    assert order.total_incl_tax == Decimal("120.00")


@pytest.mark.parametrize("quantity", [0, -1, 1000])
def test_quantities_out_of_range_are_refused(sale, staff_a, argan_oil, quantity):
    """Zero, negative and absurd quantities never reach the basket."""
    with pytest.raises(SaleRefused):
        sales.sale_line_add(sale=sale, product=argan_oil, quantity=quantity, by=staff_a)
    assert sale.basket.lines.count() == 0


def test_line_discounts_are_capped_for_store_staff(
    sale, staff_a, manager_a, argan_oil, drawer, settings, english
):
    """Staff may give up to the cap; a manager more; the receipt total follows."""
    settings.INSTORE_STAFF_DISCOUNT_CAP = Decimal("10")
    settings.INSTORE_MANAGER_DISCOUNT_CAP = Decimal("30")
    sales.sale_line_add(sale=sale, product=argan_oil, quantity=2, by=staff_a)
    line = sale.basket.lines.get()

    with pytest.raises(SaleRefused, match="at most 10% off"):
        sales.sale_line_discount_set(
            sale=sale,
            line_id=line.pk,
            percent=Decimal("25"),
            reason="abîmé",
            by=staff_a,
        )
    with pytest.raises(SaleRefused, match="Say why"):
        sales.sale_line_discount_set(
            sale=sale, line_id=line.pk, percent=Decimal("5"), reason=" ", by=staff_a
        )
    sales.sale_line_discount_set(
        sale=sale,
        line_id=line.pk,
        percent=Decimal("25"),
        reason="Flacon abîmé",
        by=manager_a,
    )

    assert sales.sale_priced(sale=sale).total == Decimal("180.00")
    order = sales.sale_place(
        sale=sale,
        payment=CounterPayment("cash", cash_tendered=Decimal("180")),
        by=staff_a,
    )
    order_line = order.lines.get()
    assert order_line.line_price_incl_tax == Decimal("180.00")
    assert order_line.line_price_before_discounts_incl_tax == Decimal("240.00")
    assert order_line.counter_discount.reason == "Flacon abîmé"


def test_take_away_beyond_the_shelf_is_refused(
    sale, staff_a, argan_oil, drawer, english
):
    """More than the shelf holds cannot be taken away; the sale is kept."""
    sales.sale_line_add(sale=sale, product=argan_oil, quantity=6, by=staff_a)
    with pytest.raises(SaleRefused, match="Only 5 of .* on this store's shelf"):
        sales.sale_place(
            sale=sale,
            payment=CounterPayment("cash", cash_tendered=Decimal("720")),
            by=staff_a,
        )
    assert sale.basket.lines.get().quantity == 6


def test_a_reservation_needs_a_named_customer(
    sale, staff_a, argan_oil, customer, english
):
    """Reserved goods are collected later: the customer must be named."""
    import datetime

    from django.utils import timezone

    sales.sale_line_add(sale=sale, product=argan_oil, quantity=1, by=staff_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    sales.sale_fulfilment_set(
        sale=sale, fulfilment=Fulfilment.COLLECT, pickup_date=tomorrow, by=staff_a
    )
    with pytest.raises(SaleRefused, match="Name the customer"):
        sales.sale_place(
            sale=sale,
            payment=CounterPayment("card_terminal", card_reference="T1"),
            by=staff_a,
        )
    sales.sale_customer_set(sale=sale, customer=customer, by=staff_a)
    order = sales.sale_place(
        sale=sale,
        payment=CounterPayment("card_terminal", card_reference="T1"),
        by=staff_a,
    )
    assert order.status == "Pending"
    assert order.origin.fulfilment == Fulfilment.COLLECT
    assert order.origin.pickup_date == tomorrow
    assert order.user == customer


def test_phone_numbers_in_moroccan_formats():
    """ "06 12 34 56 78", "+212 6…" and "00212…" are one number; junk is not."""
    for text in ("06 12 34 56 78", "+212 6 12 34 56 78", "00212612345678"):
        assert phone_normalise(text=text) == "+212612345678"
    assert phone_normalise(text="12") is None
    assert phone_normalise(text="abc") is None
