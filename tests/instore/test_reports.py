"""End-of-day reports of a pilot store, per drawer session and per day, on the
page and in CSV, from real counter sales, returns and cash movements."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.instore.models import CashMovement, DrawerSession
from shop.instore.reports import day_bounds, day_report_get, session_report_get
from shop.instore.services import sales
from shop.instore.services.drawer import cash_movement_record, drawer_session_open
from shop.instore.services.returns import return_place
from shop.instore.services.sales import CounterPayment

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
D = Decimal


def url(name, store, **kwargs):
    return reverse(f"instore:{name}", kwargs={"store": store.code, **kwargs})


def sell(*, store, by, lines, payment, discount=None, customer=None, address=None):
    """A real counter sale through the lead's sale service; returns the order."""
    sale = sales.sale_open(store=store, by=by)
    for product, quantity in lines:
        sales.sale_line_add(sale=sale, product=product, quantity=quantity, by=by)
    if discount is not None:
        percent, reason = discount
        line = sale.basket.lines.get()
        sales.sale_line_discount_set(
            sale=sale, line_id=line.pk, percent=D(percent), reason=reason, by=by
        )
    if customer is not None:
        sales.sale_customer_set(sale=sale, customer=customer, by=by)
    if address is not None:
        sales.sale_fulfilment_set(
            sale=sale, fulfilment="delivery", by=by, address=address
        )
    return sales.sale_place(sale=sale, payment=payment, by=by)


ADDRESS = {
    "first_name": "Salma",
    "last_name": "Bennani",
    "line1": "12 rue Allal Ben Abdellah",
    "line4": "Casablanca",
    "postcode": "20000",
    "country_id": "MA",
    "phone_number": "+212612345678",
}


@pytest.fixture
def day_of_sales(client, store_a, staff_a, manager_a, customer, argan_oil, saffron):
    """A day at store A's counter, drawer actions through the drawer's pages.

    Opening float 500.00; sales: cash 240.00, card terminal 95.00 (TPE-1),
    split 215.00 (card 100.00 TPE-2, cash 115.00), cash 171.00 after 10 % off
    "Client fidèle" (19.00), pay on delivery 170.00 (120.00 + 35.00 delivery
    + 15.00 fee); cash in 50.00 "monnaie", cash out 20.00 "fournitures";
    80.00 cash taken at a click & collect pickup; returns: one argan oil of
    the cash sale refunded in cash (120.00), the card sale's saffron on the
    terminal (95.00).
    """
    client.force_login(staff_a)
    client.post(url("drawer-open", store_a), {"opening_float": "500.00"})
    session = DrawerSession.objects.get(store=store_a, status="open")
    cash = sell(
        store=store_a,
        by=staff_a,
        lines=[(argan_oil, 2)],
        payment=CounterPayment("cash", cash_tendered=D("300.00")),
    )
    card = sell(
        store=store_a,
        by=staff_a,
        lines=[(saffron, 1)],
        payment=CounterPayment("card_terminal", card_reference="TPE-1"),
    )
    sell(
        store=store_a,
        by=staff_a,
        lines=[(argan_oil, 1), (saffron, 1)],
        payment=CounterPayment(
            "split",
            card_amount=D("100.00"),
            cash_tendered=D("120.00"),
            card_reference="TPE-2",
        ),
    )
    sell(
        store=store_a,
        by=staff_a,
        lines=[(saffron, 2)],
        discount=("10", "Client fidèle"),
        payment=CounterPayment("cash", cash_tendered=D("200.00")),
    )
    sell(
        store=store_a,
        by=staff_a,
        lines=[(argan_oil, 1)],
        customer=customer,
        address=ADDRESS,
        payment=CounterPayment("cash_on_delivery"),
    )
    client.post(
        url("drawer-cash-in", store_a), {"in-amount": "50", "in-reason": "monnaie"}
    )
    client.post(
        url("drawer-cash-out", store_a),
        {"out-amount": "20.00", "out-reason": "fournitures"},
    )
    # What the click & collect handover records (shop.instore.services.collect).
    cash_movement_record(
        session=session,
        kind=CashMovement.Kind.SALE,
        amount=D("80.00"),
        by=staff_a,
        reason="Click & collect 100099",
    )
    return_place(
        store=store_a,
        order=cash,
        lines=[(cash.lines.get(), 1)],
        refund_method="cash",
        reason="Flacon abîmé",
        by=manager_a,
    )
    return_place(
        store=store_a,
        order=card,
        lines=[(card.lines.get(), 1)],
        refund_method="card_terminal",
        card_reference="TPE-R1",
        by=manager_a,
    )
    session.refresh_from_db()
    return session


# 500 + 240 + 115 + 171 (sales in cash) + 50 − 20 + 80 (pickup) − 120 (refund)
EXPECTED_CASH = D("1016.00")


def assert_the_days_totals(report):
    assert report.orders_count == 5
    assert report.orders_total == D("891.00")  # 240 + 95 + 215 + 171 + 170
    assert {t.key: (t.count, t.amount) for t in report.payments} == {
        "cash": (3, D("526.00")),
        "card_terminal": (2, D("195.00")),
        "cash_on_delivery": (1, D("170.00")),
        "collected_at_pickup": (1, D("80.00")),
    }
    assert report.returns_count == 2
    assert report.returns_total == D("215.00")
    assert {t.key: (t.count, t.amount) for t in report.returns_by_method} == {
        "cash": (1, D("120.00")),
        "card_terminal": (1, D("95.00")),
    }
    assert report.net_total == D("676.00")
    assert report.discounts_total == D("19.00")
    ((discount),) = report.discounts
    assert (discount.percent, discount.reason, discount.amount) == (
        D("10.00"),
        "Client fidèle",
        D("19.00"),
    )
    assert discount.granted_by == "Youssef Bennani"
    assert [(i.title, i.quantity, i.revenue) for i in report.items] == [
        ("Huile d'argane cosmétique 100 ml", 4, D("480.00")),
        ("Safran de Taliouine 1 g", 4, D("361.00")),
    ]
    assert [(m.kind, m.amount, m.reason) for m in report.cash_movements] == [
        ("paid_in", D("50.00"), "monnaie"),
        ("paid_out", D("20.00"), "fournitures"),
    ]
    assert report.cash_expected == EXPECTED_CASH


def test_the_day_report_adds_up_to_the_centime(
    client, store_a, staff_a, day_of_sales, english
):
    """Orders, payments by method, returns, discounts, items sold and the
    drawer's expected cash of the day, as store staff read them."""
    page = client.get(url("reports", store_a))

    assert page.status_code == 200
    report = page.context["report"]
    assert report.day == timezone.localdate()
    assert_the_days_totals(report)
    assert report.cash_counted is None  # the drawer is still open
    text = page.text
    assert 'data-testid="orders-count">5<' in text
    assert 'data-testid="orders-total">MAD891.00<' in text
    assert 'data-testid="cash-expected">MAD1,016.00<' in text
    for shown in ("Client fidèle", "Pay on delivery (to collect)", "fournitures"):
        assert shown in text
    assert url("drawer-report", store_a, session=day_of_sales.pk) in text


def test_a_closed_session_reports_its_count(
    client, store_a, manager_a, day_of_sales, english
):
    """After the manager counts 1010.00, the session's report keeps expected
    1016.00 and the variance −6.00, beside the same totals."""
    client.force_login(manager_a)
    client.post(
        url("drawer-close", store_a, session=day_of_sales.pk),
        {"counted_cash": "1010.00"},
    )

    page = client.get(url("drawer-report", store_a, session=day_of_sales.pk))

    report = page.context["report"]
    assert_the_days_totals(report)
    assert report.session.pk == day_of_sales.pk
    assert report.cash_counted == D("1010.00")
    assert report.variance == D("-6.00")
    assert "-MAD6.00" in page.text
    day = client.get(url("reports", store_a)).context["report"]
    assert (day.cash_expected, day.cash_counted, day.variance) == (
        EXPECTED_CASH,
        D("1010.00"),
        D("-6.00"),
    )


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def block(rows, header: str) -> dict[str, list[str]]:
    """The rows under a header row (first cell `header`), keyed by first cell."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == header)
    found = {}
    for row in rows[start + 1 :]:
        if not row:
            break
        found[row[0]] = row[1:]
    return found


def test_the_day_csv_has_the_rows_and_totals(
    client, store_a, manager_a, day_of_sales, english
):
    """The day's CSV: summary, payments, refunds, items, orders, discounts,
    cash movements and drawer sessions, amounts in plain decimals."""
    client.force_login(manager_a)
    client.post(
        url("drawer-close", store_a, session=day_of_sales.pk),
        {"counted_cash": "1010.00"},
    )
    today = timezone.localdate().isoformat()

    response = client.get(url("reports-csv", store_a, day=today))

    assert response["Content-Disposition"] == (
        f'attachment; filename="{store_a.code}-{today}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == ["Report", "Boutique Casablanca", today]
    summary = block(rows, "Summary")
    assert summary["Orders"] == ["5", "891.00"]
    assert summary["Returns"] == ["2", "215.00"]
    assert summary["Net sales"] == ["", "676.00"]
    assert summary["Discounts"] == ["1", "19.00"]
    assert summary["Items sold"] == ["8", ""]
    assert summary["Cash in"] == ["", "50.00"]
    assert summary["Cash out"] == ["", "20.00"]
    assert summary["Cash expected"] == ["", "1016.00"]
    assert summary["Cash counted"] == ["", "1010.00"]
    assert summary["Variance"] == ["", "-6.00"]
    assert block(rows, "Payment method") == {
        "Cash": ["3", "526.00"],
        "Card terminal": ["2", "195.00"],
        "Pay on delivery (to collect)": ["1", "170.00"],
        "Cash collected at pickup": ["1", "80.00"],
    }
    assert block(rows, "Refund method") == {
        "Cash": ["1", "120.00"],
        "Card (terminal refund)": ["1", "95.00"],
    }
    assert block(rows, "Product") == {
        "Huile d'argane cosmétique 100 ml": ["4", "480.00"],
        "Safran de Taliouine 1 g": ["4", "361.00"],
    }
    orders = block(rows, "Receipt")
    assert len(orders) == 5
    assert sorted(row[2:] for row in orders.values()) == [
        ["170.00", "0.00", "0.00"],
        ["171.00", "171.00", "0.00"],
        ["215.00", "115.00", "100.00"],
        ["240.00", "240.00", "0.00"],
        ["95.00", "0.00", "95.00"],
    ]
    (discount,) = block(rows, "Discount on").values()
    assert discount[1:] == ["10.00", "Client fidèle", "Youssef Bennani", "19.00"]
    movements = block(rows, "Cash in and out")
    assert [row[1:] for row in movements.values()] == [
        ["monnaie", "Youssef Bennani", "50.00"],
        ["fournitures", "Youssef Bennani", "-20.00"],
    ]
    (session,) = block(rows, "Drawer session").items()
    assert session[0] == str(day_of_sales.pk)
    assert session[1][2:] == ["500.00", "1016.00", "1010.00", "-6.00"]


def test_the_session_csv_is_the_sessions(client, store_a, day_of_sales, english):
    """A session's CSV names the session and holds its totals."""
    response = client.get(url("drawer-report-csv", store_a, session=day_of_sales.pk))

    rows = csv_rows(response)
    assert rows[0][2].startswith(f"Drawer session {day_of_sales.pk}, ")
    assert rows[0][2].endswith("still open")
    assert block(rows, "Summary")["Cash expected"] == ["", "1016.00"]
    assert block(rows, "Payment method")["Cash"] == ["3", "526.00"]


def test_a_day_is_the_stores_local_day(store_a, staff_a, argan_oil, english):
    """A sale at 00:30 in Casablanca belongs to that day though it is still
    the day before in UTC; days follow Morocco's clocks (UTC+0 in Ramadan)."""
    ramadan_start, _ = day_bounds(day=datetime.date(2026, 3, 9))
    assert ramadan_start.isoformat() == "2026-03-09T00:00:00+00:00"
    day = datetime.date(2026, 6, 10)
    start, end = day_bounds(day=day)
    assert (start.isoformat(), end.isoformat()) == (
        "2026-06-10T00:00:00+01:00",
        "2026-06-11T00:00:00+01:00",
    )
    drawer_session_open(store=store_a, opening_float=D("0"), by=staff_a)
    order = sell(
        store=store_a,
        by=staff_a,
        lines=[(argan_oil, 1)],
        payment=CounterPayment("cash", cash_tendered=D("120")),
    )
    half_past_midnight = start + datetime.timedelta(minutes=30)
    assert half_past_midnight.astimezone(datetime.UTC).day == 9
    Order.objects.filter(pk=order.pk).update(date_placed=half_past_midnight)

    assert day_report_get(store=store_a, day=day).orders_total == D("120.00")
    day_before = day_report_get(store=store_a, day=day - datetime.timedelta(days=1))
    assert day_before.orders_count == 0


def test_reports_load_in_few_queries(
    store_a, staff_a, argan_oil, saffron, django_assert_max_num_queries
):
    """A report's queries do not grow with its sales: one per kind of row
    (sales, lines, discounts, returns, movements, sessions, pickup card payments)."""
    session = drawer_session_open(store=store_a, opening_float=D("100"), by=staff_a)
    for _ in range(3):
        sell(
            store=store_a,
            by=staff_a,
            lines=[(argan_oil, 1), (saffron, 1)],
            payment=CounterPayment("cash", cash_tendered=D("215")),
        )
    with django_assert_max_num_queries(8):
        report = day_report_get(store=store_a, day=timezone.localdate())
    assert report.orders_total == D("645.00")
    with django_assert_max_num_queries(8):
        assert session_report_get(session=session).cash_expected == D("745.00")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("reports", {}),
        ("reports-csv", {"day": "2026-03-09"}),
        ("drawer-report", {"session": None}),
        ("drawer-report-csv", {"session": None}),
    ],
)
def test_reports_are_for_the_stores_staff_and_the_office(
    client, store_a, staff_a, staff_b, manager_a, office, customer, name, kwargs
):
    """Store A's staff, its manager and office staff read its reports; store
    B's staff and customers get 403; visitors are sent to log in."""
    session = drawer_session_open(store=store_a, opening_float=D("10"), by=staff_a)
    kwargs = {k: session.pk if v is None else v for k, v in kwargs.items()}
    address = url(name, store_a, **kwargs)
    for user, status in (
        (staff_a, 200),
        (manager_a, 200),
        (office, 200),
        (staff_b, 403),
        (customer, 403),
    ):
        client.force_login(user)
        assert client.get(address).status_code == status, user
    client.logout()
    response = client.get(address)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("banana", "Enter a valid date."),
        ("2026-02-30", "Enter a valid date."),
        ("2999-01-01", "Choose a day up to today."),
    ],
)
def test_a_wrong_day_is_refused_with_its_reason(
    client, store_a, staff_a, day, error, english
):
    """A day that is not a date, or in the future, comes back with the reason."""
    client.force_login(staff_a)
    response = client.get(url("reports", store_a), {"day": day})
    assert response.status_code == 400
    assert error in response.text
    assert "report" not in response.context


def test_a_csv_of_no_such_day_is_not_found(client, store_a, staff_a):
    """A CSV address with an impossible date is a 404, not a 500."""
    client.force_login(staff_a)
    assert client.get(url("reports-csv", store_a, day="2026-02-30")).status_code == 404


def test_an_earlier_day_is_picked_by_its_date(client, store_a, staff_a, english):
    """Staff pick yesterday: an empty report with the way to the next day."""
    client.force_login(staff_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page = client.get(url("reports", store_a), {"day": yesterday.isoformat()})
    assert page.status_code == 200
    report = page.context["report"]
    assert (report.day, report.orders_count, report.cash_expected) == (
        yesterday,
        0,
        D("0.00"),
    )
    assert "No order." in page.text
    assert page.context["next_day"] == timezone.localdate()


def test_a_reason_typed_as_a_formula_stays_text_in_the_csv(
    client, store_a, staff_a, english
):
    """A reason starting with "=" is written so spreadsheets do not run it."""
    session = drawer_session_open(store=store_a, opening_float=D("10"), by=staff_a)
    cash_movement_record(
        session=session,
        kind=CashMovement.Kind.PAID_IN,
        amount=D("1.00"),
        by=staff_a,
        reason='=HYPERLINK("http://example.com")',
    )
    client.force_login(staff_a)
    rows = csv_rows(client.get(url("drawer-report-csv", store_a, session=session.pk)))
    (movement,) = block(rows, "Cash in and out").values()
    assert movement[1] == '\'=HYPERLINK("http://example.com")'


def test_the_report_reads_right_to_left_in_arabic(client, store_a, staff_a):
    """The Arabic report page is laid out right to left."""
    from django.utils import translation

    client.force_login(staff_a)
    with translation.override("ar"):
        address = url("reports", store_a)
    page = client.get(address)
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_date_picker_shows_the_day_in_every_language(
    client, store_a, staff_a, language
):
    """The day field holds the ISO date a date picker needs, not "02/12/2026"."""
    from django.utils import translation

    client.force_login(staff_a)
    with translation.override(language):
        address = url("reports", store_a)
    page = client.get(address)
    assert f'value="{timezone.localdate().isoformat()}"' in page.text


def test_a_reason_typed_as_a_formula_is_text_in_the_csv(
    client, store_a, manager_a, day_of_sales, english
):
    """Staff's free text reaches the spreadsheet as text, amounts stay numbers."""
    client.force_login(manager_a)
    client.post(
        url("drawer-cash-out", store_a),
        {"out-amount": "5.00", "out-reason": "=cmd|' /C calc'!A0"},
    )

    rows = csv_rows(
        client.get(url("drawer-report-csv", store_a, session=day_of_sales.pk))
    )

    reasons = [row[1:] for row in block(rows, "Cash in and out").values()]
    assert any(
        row[0] == "'=cmd|' /C calc'!A0" and row[-1] == "-5.00" for row in reasons
    )
