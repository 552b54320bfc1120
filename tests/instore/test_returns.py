"""Returns at the counter: goods of an earlier order back on the store's shelf,
money back in cash or on the card terminal, a return receipt; each refusal."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import translation
from oscar.apps.order.models import Order, OrderNote
from oscar.templatetags.currency_filters import currency
from oscar.test.factories import OrderFactory, OrderLineFactory

from shop.instore.models import CashMovement, CounterReturn
from shop.instore.services.drawer import drawer_cash_expected, drawer_session_open
from shop.instore.services.returns import ReturnRefused, return_place
from shop.partner.models import StockRecord
from shop.payments.models import CheckoutPayment
from shop.payments.services import (
    EventKind,
    order_cancel,
    payment_event_record,
    payment_sources_open,
)
from shop.sales.context import Channel, Fulfilment
from shop.sales.models import OrderOrigin
from shop.sales.services import Tender
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.concurrency import at_once
from tests.factories import (
    PilotStoreFactory,
    ProductFactory,
    StockRecordFactory,
    StoreManagerFactory,
)
from tests.shop.checkout_journey import CARD_OK, Shopper, page_text, url

pytestmark = pytest.mark.django_db

FLOAT = Decimal("500.00")


# Fixtures -----------------------------------------------------------------


@pytest.fixture
def manager_b(store_b):
    return StoreManagerFactory(store=store_b, first_name="Karim")


@pytest.fixture
def drawer_a(store_a, manager_a):
    """Store A's cash drawer, opened with a 500 MAD float."""
    return drawer_session_open(store=store_a, opening_float=FLOAT, by=manager_a)


@pytest.fixture
def shopper(client):
    """A guest shopping online (in English) with the test client."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    return Shopper(client)


def logged_in(user) -> Client:
    staff = Client()
    staff.force_login(user)
    return staff


def counter_order(*, store, lines, customer=None, language="fr", paid=True):
    """A take-away order of `store`'s counter, built with Oscar's factories.

    `lines` are (product, quantity, what the customer paid for the line);
    paid in cash at the counter unless `paid` is False.
    """
    total = sum((price for _product, _quantity, price in lines), Decimal("0.00"))
    order = OrderFactory(
        user=customer,
        guest_email="" if customer else "guest@example.ma",
        currency="MAD",
        total_incl_tax=total,
        total_excl_tax=total,
        shipping_incl_tax=Decimal("0.00"),
        shipping_excl_tax=Decimal("0.00"),
        status="Complete",
    )
    for product, quantity, price in lines:
        record = product.stockrecords.get(partner=store)
        OrderLineFactory(
            order=order,
            product=product,
            stockrecord=record,
            partner=store,
            partner_sku=record.partner_sku,
            title=product.title,
            quantity=quantity,
            num_allocated=quantity,
            line_price_incl_tax=price,
            line_price_excl_tax=price,
            unit_price_incl_tax=record.price,
            unit_price_excl_tax=record.price,
            line_price_before_discounts_incl_tax=record.price * quantity,
            line_price_before_discounts_excl_tax=record.price * quantity,
        )
    OrderOrigin.objects.create(
        order=order,
        channel=Channel.IN_STORE,
        store=store,
        fulfilment=Fulfilment.TAKE_AWAY,
    )
    CheckoutPayment.objects.create(
        order_number=order.number,
        order=order,
        method=CheckoutPayment.Method.CASH,
        status=CheckoutPayment.Status.PLACED,
        amount=total,
        currency="MAD",
        basket_id=order.basket_id,
        channel=Channel.IN_STORE,
        store=store,
        customer=customer,
        language=language,
    )
    payment_sources_open(
        order=order,
        currency="MAD",
        tenders=[Tender(CheckoutPayment.Method.CASH, total)],
    )
    if paid:
        payment_event_record(order=order, kind=EventKind.PAID, amount=total)
    return order


@pytest.fixture
def argan_order(store_a, argan_oil, customer):
    """Three argan oils sold at store A's counter for 340.00 (a discount off 360):
    113.33 a unit, the third 113.34."""
    return counter_order(
        store=store_a, lines=[(argan_oil, 3, Decimal("340.00"))], customer=customer
    )


@pytest.fixture
def online_order(shopper, argan_oil, local_stripe, django_capture_on_commit_callbacks):
    """Two argan oils (2 × 120) bought online by card, delivered from the warehouse."""
    shopper.up_to_payment([(argan_oil, 2)], shipping="standard")
    shopper.pay_by("card")
    with django_capture_on_commit_callbacks(execute=True):
        shopper.place(card=CARD_OK)
    mail.outbox.clear()
    return Order.objects.get()


def return_page(staff, store, order):
    return staff.get(url("instore:return-order", store=store.code, number=order.number))


def return_post(staff, store, order, units, *, confirm=True, seen=0, **fields):
    """Post the return form (then its confirmation) as a staff member would."""
    data = {
        "returns_seen": seen,
        "refund_method": "cash",
        "card_reference": "",
        "reason": "",
        **{f"line-{line.pk}": quantity for line, quantity in units.items()},
        **fields,
    }
    if confirm:
        data["confirm"] = "1"
    return staff.post(
        url("instore:return-order", store=store.code, number=order.number),
        data,
        follow=True,
    )


def shelf(product, store) -> int:
    return StockRecord.objects.get(product=product, partner=store).num_in_stock


def refunds(order) -> list[tuple[str, Decimal, str]]:
    return list(
        order.payment_events.filter(event_type__code=EventKind.REFUNDED)
        .order_by("pk")
        .values_list("event_type__code", "amount", "reference")
    )


def nothing_returned(order, product, store, units_on_shelf, earlier_refunds=()):
    assert not CounterReturn.objects.filter(order=order).exists()
    assert shelf(product, store) == units_on_shelf
    assert refunds(order) == list(earlier_refunds)
    assert not CashMovement.objects.filter(kind=CashMovement.Kind.REFUND).exists()


# Full and partial returns -------------------------------------------------


def test_an_online_order_is_returned_in_full_for_cash(
    online_order, store_a, manager_a, drawer_a, argan_oil, committed
):
    """A manager scans the order number, takes both oils back on the shelf,
    gives 240.00 from the drawer, prints the receipt; the customer gets it by email."""
    staff = logged_in(manager_a)
    warehouse = argan_oil.stockrecords.exclude(partner=store_a).get()
    warehouse_before = (warehouse.num_in_stock, warehouse.num_allocated)
    found = staff.get(
        url("instore:returns", store=store_a.code), {"number": online_order.number}
    )
    assert found.status_code == 302
    assert found.url == url(
        "instore:return-order", store=store_a.code, number=online_order.number
    )
    page = staff.get(found.url)
    assert "Huile d&#x27;argane cosmétique 100 ml" in page_text(page)
    assert "MAD120.00" in page_text(page)  # paid per unit
    line = online_order.lines.get()

    review = return_post(
        staff, store_a, online_order, {line: 2}, confirm=False, reason="Flacon abîmé"
    )
    assert "Give back MAD240.00 in cash" in page_text(review)
    assert not CounterReturn.objects.exists()

    committed(
        lambda: return_post(
            staff, store_a, online_order, {line: 2}, reason="Flacon abîmé"
        )
    )

    counter_return = CounterReturn.objects.get()
    response = staff.get(
        url("instore:return-receipt", store=store_a.code, pk=counter_return.pk)
    )
    receipt = page_text(response)
    assert counter_return.receipt_number in receipt
    assert "Return receipt" in receipt
    assert "−MAD240.00" in receipt
    assert "Flacon abîmé" in receipt
    assert counter_return.amount == Decimal("240.00")
    assert counter_return.refund_method == "cash"
    assert counter_return.drawer_session == drawer_a
    assert shelf(argan_oil, store_a) == 5 + 2
    warehouse.refresh_from_db()
    assert (warehouse.num_in_stock, warehouse.num_allocated) == warehouse_before
    assert drawer_cash_expected(session=drawer_a) == Decimal("260.00")
    assert refunds(online_order) == [
        ("refunded", Decimal("240.00"), counter_return.receipt_number)
    ]
    event = online_order.payment_events.get(event_type__code="refunded")
    assert list(event.line_quantities.values_list("line", "quantity")) == [(line.pk, 2)]
    note = OrderNote.objects.get(order=online_order)
    assert counter_return.receipt_number in note.message
    (email,) = mail.outbox
    assert email.to == ["salma@example.ma"]
    assert counter_return.receipt_number in email.subject
    assert "2 × Huile d'argane cosmétique 100 ml: MAD240.00" in email.body
    assert "Refunded: MAD240.00 (cash)" in email.body

    again = return_page(staff, store_a, online_order)
    assert "Everything on this order was already returned." in page_text(again)


def test_the_success_message_says_what_to_give_back(
    online_order, store_a, manager_a, drawer_a
):
    """After confirming, the receipt page says how much cash to hand over."""
    staff = logged_in(manager_a)
    line = online_order.lines.get()

    response = return_post(staff, store_a, online_order, {line: 1})

    counter_return = CounterReturn.objects.get()
    assert response.redirect_chain[-1][0] == url(
        "instore:return-receipt", store=store_a.code, pk=counter_return.pk
    )
    assert (
        f"Return {counter_return.receipt_number} recorded: give back MAD120.00 in cash."
        in page_text(response)
    )


def test_change_goes_back_to_the_choices_as_they_were(
    argan_order, store_a, manager_a, drawer_a
):
    """From the confirmation, "Change" shows the form with the same quantities."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()

    page = return_post(
        staff, store_a, argan_order, {line: 2}, confirm=False, edit="1", reason="Fuite"
    )

    text = page_text(page)
    assert "Check the refund" in text
    assert f'name="line-{line.pk}" value="2"' in text
    assert 'value="Fuite"' in text
    assert not CounterReturn.objects.exists()


def test_partial_returns_give_back_exactly_what_was_paid(
    argan_order, store_a, manager_a, drawer_a, argan_oil
):
    """Three oils paid 340.00: one back by card (113.33), then the last two in
    cash (226.67); together exactly 340.00, on receipts numbered in sequence."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()

    first = return_post(
        staff,
        store_a,
        argan_order,
        {line: 1},
        refund_method="card_terminal",
        card_reference="TPE-778812",
    )
    assert "MAD113.33 refunded on the card terminal (reference TPE-778812)" in (
        page_text(first)
    )
    page = return_page(staff, store_a, argan_order)
    assert "2 left" in page_text(page)
    second = return_post(staff, store_a, argan_order, {line: 2}, seen=1)
    assert "give back MAD226.67 in cash" in page_text(second)

    first_return, second_return = CounterReturn.objects.order_by("pk")
    assert (first_return.amount, second_return.amount) == (
        Decimal("113.33"),
        Decimal("226.67"),
    )
    assert first_return.amount + second_return.amount == line.line_price_incl_tax
    prefix = f"CAS{store_a.pk}-"
    assert first_return.receipt_number == f"{prefix}000001"
    assert second_return.receipt_number == f"{prefix}000002"
    assert shelf(argan_oil, store_a) == 5 + 3
    assert first_return.drawer_session is None
    assert drawer_cash_expected(session=drawer_a) == FLOAT - Decimal("226.67")
    assert refunds(argan_order) == [
        ("refunded", Decimal("113.33"), "TPE-778812"),
        ("refunded", Decimal("226.67"), second_return.receipt_number),
    ]
    assert argan_order.sources.get().amount_refunded == Decimal("340.00")


def test_return_everything_left_fills_every_line(
    store_a, manager_a, drawer_a, argan_oil, saffron, customer
):
    """One button proposes every unit still returnable, at what was paid."""
    order = counter_order(
        store=store_a,
        lines=[
            (argan_oil, 2, Decimal("240.00")),
            (saffron, 3, Decimal("256.50")),  # 10% off 285.00
        ],
        customer=customer,
    )
    staff = logged_in(manager_a)

    review = return_post(staff, store_a, order, {}, confirm=False, return_all="1")

    text = page_text(review)
    assert "MAD256.50" in text
    assert "Give back MAD496.50 in cash" in text
    assert "85.50" in page_text(return_page(staff, store_a, order))


def test_goods_go_on_the_shelf_of_the_store_taking_them_back(
    argan_order, store_a, store_b, manager_b, argan_oil
):
    """Marrakech never stocked the oil sold in Casablanca: returned there, it
    gets its own stock record at the line's shelf price."""
    staff = logged_in(manager_b)
    line = argan_order.lines.get()

    return_post(
        staff,
        store_b,
        argan_order,
        {line: 1},
        refund_method="card_terminal",
        card_reference="TPE-1",
    )

    record = StockRecord.objects.get(product=argan_oil, partner=store_b)
    assert record.num_in_stock == 1
    assert record.partner_sku == "ARG-100-CAS-marrakech"
    assert record.price == Decimal("120.00")
    assert shelf(argan_oil, store_a) == 5
    counter_return = CounterReturn.objects.get()
    assert counter_return.store == store_b
    assert counter_return.receipt_number.startswith(f"MAR{store_b.pk}-")


def test_a_counter_receipt_number_finds_its_order(argan_order, store_a, manager_a):
    """Scanning the sale's receipt finds the order it placed."""
    from shop.instore.models import CounterSale

    sale = CounterSale.objects.create(
        store=store_a,
        basket=argan_order.basket,
        opened_by=manager_a,
        status=CounterSale.Status.PLACED,
        order=argan_order,
        receipt_number=f"CAS{store_a.pk}-000042",
    )
    staff = logged_in(manager_a)

    found = staff.get(
        url("instore:returns", store=store_a.code), {"number": sale.receipt_number}
    )

    assert found.url == url(
        "instore:return-order", store=store_a.code, number=argan_order.number
    )


def test_the_return_receipt_is_in_the_language_of_the_order(
    store_a, manager_a, argan_oil, customer, committed
):
    """An order placed in Arabic gets its return receipt, emailed and printed, in
    Arabic."""
    order = counter_order(
        store=store_a,
        lines=[(argan_oil, 1, Decimal("120.00"))],
        customer=customer,
        language="ar",
    )
    line = order.lines.get()

    committed(
        lambda: return_place(
            store=store_a,
            order=order,
            lines=[(line, 1)],
            refund_method="card_terminal",
            card_reference="TPE-9",
            by=manager_a,
        )
    )

    (email,) = mail.outbox
    assert email.to == [customer.email]
    with translation.override("ar"):
        arabic_amount = currency(Decimal("120.00"), "MAD")
    assert arabic_amount in email.body
    assert "TPE-9" in email.body
    receipt = logged_in(manager_a).get(
        url(
            "instore:return-receipt",
            store=store_a.code,
            pk=CounterReturn.objects.get().pk,
        )
    )
    assert arabic_amount in page_text(receipt)


def test_latest_returns_are_listed_on_the_returns_page(
    argan_order, store_a, manager_a, drawer_a
):
    """The returns page lists the store's returns, newest first, with their receipts."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()
    return_post(staff, store_a, argan_order, {line: 1})

    page = page_text(staff.get(url("instore:returns", store=store_a.code)))

    counter_return = CounterReturn.objects.get()
    assert counter_return.receipt_number in page
    assert "MAD113.33" in page
    assert url("instore:return-receipt", store=store_a.code, pk=counter_return.pk) in (
        page
    )


def test_the_returns_pages_read_right_to_left_in_arabic(
    argan_order, store_a, manager_a
):
    """Arabic staff get the counter's return pages right to left."""
    staff = logged_in(manager_a)

    html = page_text(
        staff.get(
            url(
                "instore:return-order",
                "ar",
                store=store_a.code,
                number=argan_order.number,
            )
        )
    )

    assert '<html lang="ar" dir="rtl"' in html
    assert "counter-returns.css" in html


# Refusals -----------------------------------------------------------------


def test_an_unknown_order_number_is_named(store_a, manager_a):
    """A number that matches nothing says so, on the same page."""
    staff = logged_in(manager_a)

    page = staff.get(url("instore:returns", store=store_a.code), {"number": " 999999 "})

    assert page.status_code == 200
    assert "No order or counter receipt has the number “999999”." in page_text(page)
    gone = staff.get(
        url("instore:return-order", store=store_a.code, number="999999"), follow=True
    )
    assert "No order has the number “999999”." in page_text(gone)


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ("0", "Choose at least one unit to return."),
        ("", "Choose at least one unit to return."),
        ("-1", "A quantity cannot be negative."),
        ("deux", "Enter a whole number of units."),
        ("1.5", "Enter a whole number of units."),
        (
            "4",
            "Only 3 of “Huile d&#x27;argane cosmétique 100 ml” can still be "
            "returned (3 bought, 0 already returned).",
        ),
        (
            "100000000000000000000",
            "Only 3 of “Huile d&#x27;argane cosmétique 100 ml” can still be "
            "returned (3 bought, 0 already returned).",
        ),
    ],
)
def test_bad_quantities_are_refused_with_a_message(
    argan_order, store_a, manager_a, drawer_a, argan_oil, units, message
):
    """Zero, negative, non-numeric and huge quantities: a message, nothing written."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()

    for confirm in (False, True):
        response = return_post(
            staff, store_a, argan_order, {line: units}, confirm=confirm
        )
        assert response.status_code == 200
        assert message in page_text(response)
    nothing_returned(argan_order, argan_oil, store_a, 5)


def test_what_earlier_returns_took_back_cannot_come_back_again(
    argan_order, store_a, manager_a, drawer_a, argan_oil
):
    """After two of three oils came back, only one more can; then none."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()
    return_post(staff, store_a, argan_order, {line: 2})

    refused = return_post(staff, store_a, argan_order, {line: 2}, seen=1)

    assert (
        "Only 1 of “Huile d&#x27;argane cosmétique 100 ml” can still be returned "
        "(3 bought, 2 already returned)." in page_text(refused)
    )
    assert CounterReturn.objects.count() == 1
    return_post(staff, store_a, argan_order, {line: 1}, seen=1)
    with pytest.raises(ReturnRefused, match="was already returned in full"):
        return_place(
            store=store_a,
            order=argan_order,
            lines=[(line, 1)],
            refund_method="cash",
            by=manager_a,
        )
    assert shelf(argan_oil, store_a) == 5 + 3


def test_a_double_submit_gives_back_once(
    argan_order, store_a, manager_a, drawer_a, argan_oil
):
    """The confirmation posted twice: one return, the second told nothing was
    refunded twice and shown what is left."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()

    return_post(staff, store_a, argan_order, {line: 1})
    second = return_post(staff, store_a, argan_order, {line: 1})

    counter_return = CounterReturn.objects.get()
    assert (
        f"Nothing was refunded twice: return {counter_return.receipt_number} of this "
        "order was recorded while your page was open." in page_text(second)
    )
    assert "2 left" in page_text(second)
    assert shelf(argan_oil, store_a) == 6
    assert drawer_cash_expected(session=drawer_a) == FLOAT - Decimal("113.33")
    assert len(refunds(argan_order)) == 1


@pytest.mark.parametrize("seen", ["", "x", "-1", "7"])
def test_a_forged_or_stale_page_is_drawn_again(
    argan_order, store_a, manager_a, drawer_a, argan_oil, seen
):
    """A confirmation that does not say which returns it saw starts over."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()

    response = return_post(staff, store_a, argan_order, {line: 1}, seen=seen)

    assert "This page is out of date: check what is left to return." in (
        page_text(response)
    )
    assert 'name="returns_seen" value="0"' in page_text(response)
    nothing_returned(argan_order, argan_oil, store_a, 5)


def test_a_cash_refund_needs_an_open_drawer(argan_order, store_a, manager_a, argan_oil):
    """No drawer open: refused before and at confirmation, nothing written."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()
    message = (
        "The cash drawer is not open: open it before refunding in cash, or refund "
        "on the card terminal."
    )

    for confirm in (False, True):
        response = return_post(staff, store_a, argan_order, {line: 1}, confirm=confirm)
        assert message in page_text(response)
    nothing_returned(argan_order, argan_oil, store_a, 5)


def test_a_cash_refund_cannot_take_more_than_the_drawer_holds(
    argan_order, store_a, manager_a, argan_oil
):
    """A drawer opened with 100.00 cannot give back 340.00."""
    drawer_session_open(store=store_a, opening_float=Decimal("100.00"), by=manager_a)
    staff = logged_in(manager_a)
    line = argan_order.lines.get()

    response = return_post(staff, store_a, argan_order, {line: 3})

    assert (
        "The drawer should hold only MAD100.00, less than the MAD340.00 to give back"
        in page_text(response)
    )
    nothing_returned(argan_order, argan_oil, store_a, 5)


def test_a_card_refund_needs_the_terminal_reference(
    argan_order, store_a, manager_a, argan_oil
):
    """A card refund without the terminal's reference is refused."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()

    response = return_post(
        staff,
        store_a,
        argan_order,
        {line: 1},
        refund_method="card_terminal",
        card_reference="   ",
    )

    assert "Enter the reference the card terminal printed for the refund." in (
        page_text(response)
    )
    nothing_returned(argan_order, argan_oil, store_a, 5)


def test_an_unknown_refund_method_is_refused(
    argan_order, store_a, manager_a, argan_oil
):
    """A forged refund method is a form error, not a 500."""
    staff = logged_in(manager_a)
    line = argan_order.lines.get()

    response = return_post(
        staff, store_a, argan_order, {line: 1}, refund_method="voucher"
    )

    assert response.status_code == 200
    assert "Select a valid choice." in page_text(response)
    nothing_returned(argan_order, argan_oil, store_a, 5)


def test_an_order_with_no_payment_recorded_cannot_be_refunded(
    store_a, manager_a, drawer_a, argan_oil
):
    """Money never recorded as received is not given back."""
    order = counter_order(
        store=store_a, lines=[(argan_oil, 1, Decimal("120.00"))], paid=False
    )
    staff = logged_in(manager_a)

    response = return_post(staff, store_a, order, {order.lines.get(): 1})

    assert (
        f"No payment is recorded for order {order.number} yet, so nothing can be "
        "refunded" in page_text(response)
    )
    nothing_returned(order, argan_oil, store_a, 5)


def test_a_cancelled_order_has_nothing_to_return(
    online_order, store_a, manager_a, drawer_a, argan_oil
):
    """A cancelled order (its card money already given back) offers no return."""
    order_cancel(order=online_order)
    card_refund = refunds(online_order)
    staff = logged_in(manager_a)

    page = return_page(staff, store_a, online_order)
    response = return_post(staff, store_a, online_order, {online_order.lines.get(): 1})

    assert "This order is cancelled: there is nothing to return." in page_text(page)
    assert "is cancelled: there is nothing to return." in page_text(response)
    nothing_returned(online_order, argan_oil, store_a, 5, card_refund)


# Who may take returns -----------------------------------------------------


def test_store_staff_cannot_take_returns(argan_order, store_a, staff_a, argan_oil):
    """Plain store staff get 403 on every return page, and posting changes nothing."""
    staff = logged_in(staff_a)
    line = argan_order.lines.get()

    assert staff.get(url("instore:returns", store=store_a.code)).status_code == 403
    assert return_page(staff, store_a, argan_order).status_code == 403
    assert return_post(staff, store_a, argan_order, {line: 1}).status_code == 403
    nothing_returned(argan_order, argan_oil, store_a, 5)


def test_managers_of_another_store_cannot_take_returns_here(
    argan_order, store_a, manager_b
):
    """A Marrakech manager is refused Casablanca's return pages."""
    staff = logged_in(manager_b)

    assert staff.get(url("instore:returns", store=store_a.code)).status_code == 403
    assert return_page(staff, store_a, argan_order).status_code == 403


def test_a_return_receipt_belongs_to_its_store(
    argan_order, store_a, store_b, manager_a, manager_b, office, drawer_a
):
    """Another store's return is not found under this store's URL."""
    return_post(
        logged_in(manager_a), store_a, argan_order, {argan_order.lines.get(): 1}
    )
    counter_return = CounterReturn.objects.get()

    elsewhere = logged_in(manager_b).get(
        url("instore:return-receipt", store=store_b.code, pk=counter_return.pk)
    )
    at_home = logged_in(office).get(
        url("instore:return-receipt", store=store_a.code, pk=counter_return.pk)
    )

    assert elsewhere.status_code == 404
    assert at_home.status_code == 200
    assert counter_return.receipt_number in page_text(at_home)


def test_office_staff_take_returns_at_any_store(
    argan_order, store_b, office, argan_oil
):
    """Office staff may take a return at a store they are not linked to."""
    staff = logged_in(office)

    return_post(
        staff,
        store_b,
        argan_order,
        {argan_order.lines.get(): 1},
        refund_method="card_terminal",
        card_reference="TPE-5",
    )

    assert CounterReturn.objects.get().processed_by == office
    assert shelf(argan_oil, store_b) == 1


def test_the_returns_menu_entry_shows_for_those_who_may_use_it(store_a, manager_a):
    """Managers see "Returns" in the counter's menu."""
    page = page_text(
        logged_in(manager_a).get(url("instore:returns", store=store_a.code))
    )

    assert f'href="{url("instore:returns", store=store_a.code)}"' in page


def test_signed_out_visitors_are_sent_to_log_in(store_a):
    """The return pages need a signed-in staff member."""
    response = Client().get(url("instore:returns", store=store_a.code))

    assert response.status_code == 302
    assert "login" in response.url


# Concurrency (PostgreSQL) -------------------------------------------------


def _race_order():
    store = PilotStoreFactory(
        name="Boutique Casablanca", code="casablanca", city="Casablanca"
    )
    product = ProductFactory(title="Miel de thym 250 g", stockrecords__num_in_stock=20)
    StockRecordFactory(
        product=product, partner=store, num_in_stock=0, partner_sku="MIEL-CAS"
    )
    order = counter_order(store=store, lines=[(product, 2, Decimal("180.00"))])
    return store, product, order


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_counters_returning_the_last_unit_at_once_give_it_back_once(english):
    """Two managers confirm the last returnable unit together: one return, the
    other refused with the message, stock and money moved once."""
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://…"
    store, product, order = _race_order()
    line = order.lines.get()
    return_place(
        store=store,
        order=order,
        lines=[(line, 1)],
        refund_method="card_terminal",
        card_reference="TPE-0",
        by=StoreManagerFactory(store=store),
    )
    managers = [StoreManagerFactory(store=store) for _ in range(2)]

    def take_last(manager):
        return lambda: return_place(
            store=store,
            order=Order.objects.get(pk=order.pk),
            lines=[(line, 1)],
            refund_method="card_terminal",
            card_reference=f"TPE-{manager.pk}",
            by=manager,
        )

    outcomes = at_once(
        [take_last(manager) for manager in managers], refused=ReturnRefused
    )

    placed = [o for o in outcomes if isinstance(o, CounterReturn)]
    refused = [o for o in outcomes if isinstance(o, ReturnRefused)]
    assert len(placed) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert str(refused[0]) == "“Miel de thym 250 g” was already returned in full."
    assert CounterReturn.objects.count() == 2
    assert shelf(product, store) == 2
    assert sum(r.amount for r in CounterReturn.objects.all()) == Decimal("180.00")
    assert len(refunds(order)) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_posted_at_once_record_one_return():
    """Two counters submit the same page for the last unit at once: one return,
    the other page says nothing was refunded twice."""
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://…"
    store, product, order = _race_order()
    line = order.lines.get()
    clients = [logged_in(StoreManagerFactory(store=store)) for _ in range(2)]
    return_place(
        store=store,
        order=order,
        lines=[(line, 1)],
        refund_method="card_terminal",
        card_reference="TPE-0",
        by=StoreManagerFactory(store=store),
    )

    def confirm(staff):
        return lambda: page_text(
            return_post(
                staff,
                store,
                order,
                {line: 1},
                seen=1,
                refund_method="card_terminal",
                card_reference="TPE-42",
            )
        )

    pages = at_once([confirm(staff) for staff in clients], refused=ReturnRefused)

    assert CounterReturn.objects.count() == 2
    assert sum("Nothing was refunded twice" in page for page in pages) == 1
    assert sum("refunded on the card terminal" in page for page in pages) == 1
    assert shelf(product, store) == 2
