"""The cash drawer at the counter: open with a float, cash in and out, sell,
count and close; who may do which, and what staff read when refused."""

from decimal import Decimal
from functools import partial

import pytest
from django.urls import reverse
from django.utils import translation

from shop.instore.models import CashMovement, DrawerSession
from shop.instore.services import sales
from shop.instore.services.drawer import (
    DrawerRefused,
    drawer_cash_expected,
    drawer_cash_in,
    drawer_session_close,
    drawer_session_open,
)
from shop.instore.services.sales import CounterPayment
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db


def url(name, store, **kwargs):
    return reverse(f"instore:{name}", kwargs={"store": store.code, **kwargs})


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def follow_post(client, address, data):
    response = client.post(address, data, follow=True)
    assert response.status_code == 200
    return response


def cash_sale(*, store, by, product, quantity, tendered):
    """A real counter sale paid in cash, through the lead's sale service."""
    sale = sales.sale_open(store=store, by=by)
    sales.sale_line_add(sale=sale, product=product, quantity=quantity, by=by)
    return sales.sale_place(
        sale=sale, payment=CounterPayment("cash", cash_tendered=tendered), by=by
    )


@pytest.fixture
def open_drawer(store_a, staff_a):
    return drawer_session_open(
        store=store_a, opening_float=Decimal("500.00"), by=staff_a
    )


def test_a_day_at_the_drawer(client, store_a, staff_a, manager_a, argan_oil, english):
    """Open with 500.00, sell 240.00 in cash, cash in 50.00, cash out 20.00:
    770.00 expected; the manager counts 765.50 and the variance −4.50 is kept."""
    client.force_login(staff_a)
    page = client.get(url("drawer", store_a))
    assert page.status_code == 200
    assert "The drawer is closed" in page.text
    assert page.context["open_form"].fields["opening_float"].widget.attrs["autofocus"]

    page = follow_post(client, url("drawer-open", store_a), {"opening_float": "500.00"})
    assert texts(page) == ["Drawer opened with a float of MAD500.00."]
    session = DrawerSession.objects.get(store=store_a, status="open")

    cash_sale(
        store=store_a,
        by=staff_a,
        product=argan_oil,
        quantity=2,
        tendered=Decimal("300.00"),
    )
    page = follow_post(
        client,
        url("drawer-cash-in", store_a),
        {"in-amount": "50", "in-reason": "monnaie"},
    )
    assert texts(page) == ["Cash in of MAD50.00 recorded: monnaie."]
    page = follow_post(
        client,
        url("drawer-cash-out", store_a),
        {"out-amount": "20.00", "out-reason": "fournitures"},
    )
    assert texts(page) == ["Cash out of MAD20.00 recorded: fournitures."]

    assert page.context["overview"].current.expected_cash == Decimal("770.00")
    assert 'data-testid="expected-cash">MAD770.00<' in page.text
    rows = [
        (m.kind, m.signed_amount, m.reason) for m in page.context["overview"].movements
    ]
    assert rows[1:] == [
        ("paid_in", Decimal("50.00"), "monnaie"),
        ("paid_out", Decimal("-20.00"), "fournitures"),
    ]
    assert rows[0][:2] == ("sale", Decimal("240.00"))
    # Staff see the drawer but not the way to close it.
    assert url("drawer-close", store_a, session=session.pk) not in page.text
    assert "A store manager counts and closes the drawer." in page.text

    client.force_login(manager_a)
    page = client.get(url("drawer", store_a))
    close_url = url("drawer-close", store_a, session=session.pk)
    assert close_url in page.text
    page = client.get(close_url)
    assert page.context["expected_cash"] == Decimal("770.00")
    page = follow_post(client, close_url, {"counted_cash": "765.50", "note": "Pièce"})

    assert texts(page) == [
        "Drawer closed. Expected MAD770.00, counted MAD765.50, variance -MAD4.50."
    ]
    session.refresh_from_db()
    assert session.status == DrawerSession.Status.CLOSED
    assert session.expected_cash == Decimal("770.00")
    assert session.counted_cash == Decimal("765.50")
    assert session.variance == Decimal("-4.50")
    assert session.closed_by == manager_a
    assert session.closing_note == "Pièce"
    assert page.request["PATH_INFO"] == url(
        "drawer-report", store_a, session=session.pk
    )

    page = client.get(url("drawer", store_a))
    assert "The drawer is closed" in page.text
    assert [s.pk for s in page.context["overview"].past] == [session.pk]


def test_closing_twice_keeps_the_first_count(
    client, store_a, manager_a, open_drawer, english
):
    """A second "close" (double tap, two managers) gets a clear message and
    the first count stays as it was."""
    client.force_login(manager_a)
    close_url = url("drawer-close", store_a, session=open_drawer.pk)
    follow_post(client, close_url, {"counted_cash": "500.00"})

    page = follow_post(client, close_url, {"counted_cash": "480.00"})

    (message,) = texts(page)
    assert message.startswith("This drawer session was already closed at ")
    assert message.endswith(" by Nadia Bennani.")
    open_drawer.refresh_from_db()
    assert open_drawer.counted_cash == Decimal("500.00")
    assert open_drawer.variance == Decimal("0.00")
    # Opening the close page of a closed session says so too.
    page = client.get(close_url, follow=True)
    assert texts(page) == ["This drawer session is already closed."]


def test_closing_twice_through_the_service_is_refused(
    store_a, manager_a, open_drawer, english
):
    """The service refuses a closed session even from a stale copy of it."""
    stale = DrawerSession.objects.get(pk=open_drawer.pk)
    drawer_session_close(
        session=open_drawer, counted_cash=Decimal("500"), note="", by=manager_a
    )
    with pytest.raises(DrawerRefused, match="already closed"):
        drawer_session_close(
            session=stale, counted_cash=Decimal("1.00"), note="", by=manager_a
        )
    with pytest.raises(DrawerRefused, match="closed"):
        drawer_cash_in(session=stale, amount=Decimal("5"), reason="x", by=manager_a)


def test_store_staff_cannot_close_the_drawer(
    client, store_a, staff_a, open_drawer, english
):
    """Plain store staff get 403 on the close page and their POST changes nothing."""
    client.force_login(staff_a)
    close_url = url("drawer-close", store_a, session=open_drawer.pk)

    assert client.get(close_url).status_code == 403
    assert client.post(close_url, {"counted_cash": "0"}).status_code == 403

    open_drawer.refresh_from_db()
    assert open_drawer.status == DrawerSession.Status.OPEN


def test_office_staff_close_any_store_drawer(client, store_a, office, open_drawer):
    """Office staff may count and close a store's drawer."""
    client.force_login(office)
    # A French page, where the amount is typed "510,00", whatever language the
    # previous test left active.
    with translation.override("fr"):
        close_url = url("drawer-close", store_a, session=open_drawer.pk)
    assert client.get(close_url).status_code == 200
    client.post(close_url, {"counted_cash": "510,00"})
    open_drawer.refresh_from_db()
    assert open_drawer.variance == Decimal("10.00")
    assert open_drawer.closed_by == office


@pytest.mark.parametrize(
    "name", ["drawer", "drawer-close", "drawer-report", "drawer-report-csv"]
)
def test_another_store_staff_are_refused(client, store_a, staff_b, open_drawer, name):
    """Staff of store B get 403 on store A's drawer pages."""
    client.force_login(staff_b)
    kwargs = {} if name == "drawer" else {"session": open_drawer.pk}
    assert client.get(url(name, store_a, **kwargs)).status_code == 403
    for action, data in (
        ("drawer-open", {"opening_float": "1"}),
        ("drawer-cash-in", {"in-amount": "1", "in-reason": "x"}),
        ("drawer-cash-out", {"out-amount": "1", "out-reason": "x"}),
    ):
        assert client.post(url(action, store_a), data).status_code == 403
    assert not CashMovement.objects.exists()


def test_a_session_of_another_store_is_not_found(
    client, store_a, store_b, office, staff_b
):
    """A drawer session looked up under another store's URL is a 404."""
    session_b = drawer_session_open(
        store=store_b, opening_float=Decimal("100"), by=staff_b
    )
    client.force_login(office)
    for name in ("drawer-close", "drawer-report", "drawer-report-csv"):
        assert client.get(url(name, store_a, session=session_b.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, store_a):
    """The drawer needs a signed-in staff member."""
    response = client.get(url("drawer", store_a))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"opening_float": "abc"}, "Enter a number."),
        ({"opening_float": "-5"}, "greater than or equal to 0"),
        ({"opening_float": "1.005"}, "no more than 2 decimal places"),
        ({}, "This field is required."),
    ],
)
def test_a_wrong_float_is_refused_with_its_reason(
    client, store_a, staff_a, data, error, english
):
    """The open form comes back with the reason (400) and no drawer opens."""
    client.force_login(staff_a)
    response = client.post(url("drawer-open", store_a), data)
    assert response.status_code == 400
    assert error in str(response.context["open_form"].errors)
    assert not DrawerSession.objects.exists()


@pytest.mark.parametrize(
    ("direction", "data", "error"),
    [
        ("in", {"in-amount": "10"}, "This field is required."),
        ("in", {"in-amount": "0", "in-reason": "x"}, "greater than or equal to 0.01"),
        ("out", {"out-amount": "x", "out-reason": "y"}, "Enter a number."),
        ("out", {"out-amount": "20", "out-reason": "   "}, "This field is required."),
        (
            "out",
            {"out-amount": "500.01", "out-reason": "banque"},
            "The drawer should hold only MAD500.00: MAD500.01 cannot be taken out.",
        ),
    ],
)
def test_wrong_cash_movements_are_refused_with_their_reason(
    client, store_a, staff_a, open_drawer, direction, data, error, english
):
    """A movement without a reason, of nothing, or beyond the drawer's cash
    comes back with the reason (400) and nothing is recorded."""
    client.force_login(staff_a)
    response = client.post(url(f"drawer-cash-{direction}", store_a), data)
    assert response.status_code == 400
    form = response.context[f"cash_{direction}_form"]
    assert error in str(form.errors)
    assert error.split(":")[0] in response.text.replace("&#x27;", "'")
    assert not CashMovement.objects.exists()
    assert drawer_cash_expected(session=open_drawer) == Decimal("500.00")


def test_cash_movements_need_an_open_drawer(client, store_a, staff_a, english):
    """Cash in with the drawer closed: told to open it first."""
    client.force_login(staff_a)
    page = follow_post(
        client, url("drawer-cash-in", store_a), {"in-amount": "10", "in-reason": "x"}
    )
    assert texts(page) == ["The drawer is closed: open it first."]
    assert not CashMovement.objects.exists()


def test_a_drawer_opens_once(client, store_a, staff_a, open_drawer, english):
    """Opening an open drawer again is refused with a message."""
    client.force_login(staff_a)
    page = follow_post(client, url("drawer-open", store_a), {"opening_float": "10"})
    assert texts(page) == ["This store's drawer is already open; close it first."]
    assert DrawerSession.objects.get().opening_float == Decimal("500.00")


def test_a_wrong_count_is_refused(client, store_a, manager_a, open_drawer, english):
    """A negative count comes back with the reason; the drawer stays open."""
    client.force_login(manager_a)
    response = client.post(
        url("drawer-close", store_a, session=open_drawer.pk), {"counted_cash": "-1"}
    )
    assert response.status_code == 400
    assert "greater than or equal to 0" in response.text
    open_drawer.refresh_from_db()
    assert open_drawer.status == DrawerSession.Status.OPEN


def test_french_staff_type_decimal_commas(client, store_a, staff_a, open_drawer):
    """In French, "12,50" is twelve dirhams fifty; messages read in French."""
    client.force_login(staff_a)
    with translation.override("fr"):
        address = url("drawer-cash-in", store_a)
    page = follow_post(client, address, {"in-amount": "12,50", "in-reason": "monnaie"})
    assert CashMovement.objects.get().amount == Decimal("12.50")
    assert page.context["overview"].current.expected_cash == Decimal("512.50")
    assert "512,50" in page.text
    assert 'lang="fr"' in page.text


def test_the_drawer_reads_right_to_left_in_arabic(
    client, store_a, staff_a, open_drawer
):
    """The Arabic drawer page is laid out right to left."""
    client.force_login(staff_a)
    with translation.override("ar"):
        address = url("drawer", store_a)
    page = client.get(address)
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text
    assert "css/counter-drawer.css" in page.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_closing_at_once_close_it_once(
    store_a, manager_a, office, english
):
    """Two closes at the same moment: one count is kept, the other is told
    the drawer was already closed."""
    session = drawer_session_open(
        store=store_a, opening_float=Decimal("500.00"), by=manager_a
    )

    def close(user, counted):
        return lambda: drawer_session_close(
            session=session, counted_cash=Decimal(counted), note="", by=user
        )

    results = at_once(
        [close(manager_a, "500.00"), close(office, "490.00")], refused=DrawerRefused
    )

    refusals = [r for r in results if isinstance(r, DrawerRefused)]
    (closed,) = [r for r in results if isinstance(r, DrawerSession)]
    assert len(refusals) == 1
    assert "already closed" in str(refusals[0])
    session.refresh_from_db()
    assert (session.counted_cash, session.closed_by) == (
        closed.counted_cash,
        closed.closed_by,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cash_taken_while_closing_is_counted_or_refused(store_a, manager_a, english):
    """Cash in at the moment of closing either lands before the count (and is
    in the expected cash) or is refused: it never slips past the count."""
    session = drawer_session_open(
        store=store_a, opening_float=Decimal("500.00"), by=manager_a
    )
    for _ in range(5):
        cash_in = partial(
            drawer_cash_in,
            session=session,
            amount=Decimal("10.00"),
            reason="monnaie",
            by=manager_a,
        )
        close = partial(
            drawer_session_close,
            session=session,
            counted_cash=Decimal("0"),
            by=manager_a,
        )
        results = at_once([cash_in, close], refused=DrawerRefused)
        session.refresh_from_db()
        assert session.expected_cash == drawer_cash_expected(session=session)
        if isinstance(results[0], DrawerRefused):
            assert "closed" in str(results[0])
        session = drawer_session_open(
            store=store_a, opening_float=Decimal("500.00"), by=manager_a
        )
