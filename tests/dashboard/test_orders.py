"""The dashboard's orders: cancelling goes through the cancel service, the list
filters by channel and store, and each order shows where it comes from."""

import csv
import html
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.apps.order.models import Order
from oscar.test.factories import ShippingAddressFactory, create_basket, create_order

from tests.dashboard.conftest import counter_order, web_order
from tests.shop.checkout_journey import stripe_get

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def text(response) -> str:
    return html.unescape(response.content.decode())


def detail(order) -> str:
    return reverse("dashboard:order-detail", kwargs={"number": order.number})


def set_status(client, order, status):
    return client.post(
        detail(order),
        {"order_action": "change_order_status", "new_status": status},
        follow=True,
    )


def test_cancelled_from_the_dropdown_releases_stock_and_refunds_the_card(
    shopper, argan_oil, office, client, local_stripe
):
    """Office staff choose "Cancelled": the stock is free again, the captured
    card payment is refunded, order and lines are Cancelled, a note says so."""
    order = web_order(shopper, argan_oil, "card", quantity=3)
    record = argan_oil.stockrecords.get()
    assert record.num_allocated == 3
    client.force_login(office)
    page = text(client.get(detail(order)))
    assert '<option value="Cancelled">Cancelled</option>' in page
    assert "releases the order’s stock and cancels or refunds" in page

    response = set_status(client, order, "Cancelled")

    assert f"Order {order.number} cancelled, stock released." in text(response)
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == "Cancelled"
    assert set(order.lines.values_list("status", flat=True)) == {"Cancelled"}
    assert record.num_allocated == 0
    intent = stripe_get(f"/v1/payment_intents/{order.checkout_payment.reference}")
    assert intent["latest_charge"]["amount_refunded"] == 39500  # 3 × 120 + 35
    assert order.sources.get().amount_refunded == Decimal("395.00")
    assert order.notes.filter(
        message="Order status changed from 'Pending' to 'Cancelled'"
    ).exists()


def test_a_refusal_of_the_cancel_service_is_what_staff_read(argan_oil, office, client):
    """An order without a recorded payment cannot be cancelled: staff read why
    and nothing changes."""
    basket = create_basket(empty=True)
    basket.add_product(argan_oil)
    order = create_order(basket=basket)
    order.set_status("Pending")
    client.force_login(office)

    response = set_status(client, order, "Cancelled")

    assert f"Order {order.number}: This order has no recorded payment method." in text(
        response
    )
    order.refresh_from_db()
    assert order.status == "Pending"


def test_other_statuses_still_change_as_in_oscar(shopper, argan_oil, office, client):
    """ "Being processed" is only a status: stock stays allocated."""
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    client.force_login(office)

    response = set_status(client, order, "Being processed")

    assert "Order status changed from 'Pending' to 'Being processed'" in text(response)
    assert argan_oil.stockrecords.get().num_allocated == 1


def test_the_list_cancels_several_orders_through_the_service(
    shopper, argan_oil, office, client
):
    """Selected orders set to Cancelled from the list are each cancelled, their
    stock released."""
    first = web_order(shopper, argan_oil, "cash_on_delivery", quantity=2)
    second = web_order(shopper, argan_oil, "cash_on_delivery", quantity=1)
    assert argan_oil.stockrecords.get().num_allocated == 3
    client.force_login(office)

    response = client.post(
        reverse("dashboard:order-list"),
        {
            "action": "change_order_statuses",
            "selected_order": [first.pk, second.pk],
            "new_status": "Cancelled",
        },
        follow=True,
    )

    page = text(response)
    assert f"Order {first.number} cancelled, stock released." in page
    assert f"Order {second.number} cancelled, stock released." in page
    assert set(Order.objects.values_list("status", flat=True)) == {"Cancelled"}
    assert argan_oil.stockrecords.get().num_allocated == 0


def test_lines_are_not_cancelled_one_by_one(shopper, argan_oil, office, client):
    """The line dropdown does not offer Cancelled; posting it is refused with
    what to do instead, and the stock stays allocated."""
    order = web_order(shopper, argan_oil, "cash_on_delivery", quantity=2)
    line = order.lines.get()
    client.force_login(office)
    page = text(client.get(detail(order)))
    line_select = page[page.index('id="new_status_select"') :]
    line_select = line_select[: line_select.index("</select>")]
    assert "Cancelled" not in line_select

    response = client.post(
        detail(order),
        {
            "line_action": "change_line_statuses",
            "selected_line": [line.pk],
            f"selected_line_qty_{line.pk}": "2",
            "new_status": "Cancelled",
        },
        follow=True,
    )

    assert "Lines are not cancelled one by one" in text(response)
    line.refresh_from_db()
    assert line.status == "Pending"
    assert argan_oil.stockrecords.get().num_allocated == 2


def test_bad_status_forms_get_a_message_not_an_error(
    shopper, argan_oil, office, client
):
    """Missing fields in the status forms are answered with a message."""
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    line = order.lines.get()
    client.force_login(office)

    no_status = client.post(
        detail(order), {"order_action": "change_order_status"}, follow=True
    )
    no_quantity = client.post(
        detail(order),
        {"line_action": "change_line_statuses", "selected_line": [line.pk]},
        follow=True,
    )
    no_event = client.post(
        detail(order),
        {
            "line_action": "create_shipping_event",
            "selected_line": [line.pk],
            f"selected_line_qty_{line.pk}": "1",
        },
        follow=True,
    )
    list_no_status = client.post(
        reverse("dashboard:order-list"),
        {"action": "change_order_statuses", "selected_order": [order.pk]},
        follow=True,
    )

    assert "Invalid form submission" in text(no_status)
    assert "Enter the quantity of each selected line." in text(no_quantity)
    assert "Choose the shipping event type." in text(no_event)
    assert "Choose the new status." in text(list_no_status)
    order.refresh_from_db()
    assert order.status == "Pending"


def test_staff_without_the_right_to_change_orders_are_not_offered_cancel(
    shopper, argan_oil, client
):
    """A narrower staff user who may only view orders sees no "Cancelled" and
    is refused when posting it; nothing changes."""
    from tests.factories import OfficeStaffFactory

    viewer = OfficeStaffFactory(permissions=["order.view_order"])
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    client.force_login(viewer)

    page = text(client.get(detail(order)))
    response = set_status(client, order, "Cancelled")

    assert '<option value="Cancelled">' not in page
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "Pending"
    assert argan_oil.stockrecords.get().num_allocated == 1


@pytest.mark.parametrize("role", ["customer", "staff_a", "manager_a"])
def test_customers_and_store_staff_cannot_cancel_from_the_dashboard(
    request, shopper, argan_oil, client, role
):
    """Anyone but office staff gets the refusal page; the order is untouched."""
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    client.force_login(request.getfixturevalue(role))

    response = client.post(
        detail(order),
        {"order_action": "change_order_status", "new_status": "Cancelled"},
    )

    assert response.status_code == 403
    assert "You do not have access to this page." in text(response)
    order.refresh_from_db()
    assert order.status == "Pending"
    assert argan_oil.stockrecords.get().num_allocated == 1


@pytest.fixture
def three_channels(shopper, argan_oil, store_a, store_b, manager_a):
    """An online delivery, a sale at store A's counter, one at store B's."""
    from tests.factories import StoreManagerFactory

    online = web_order(shopper, argan_oil, "cash_on_delivery")
    at_a = counter_order(store=store_a, product=argan_oil, by=manager_a)
    at_b = counter_order(
        store=store_b, product=argan_oil, by=StoreManagerFactory(store=store_b)
    )
    return {"online": online, "at_a": at_a, "at_b": at_b}


def listed(client, **params) -> set[str]:
    response = client.get(reverse("dashboard:order-list"), params)
    assert response.status_code == 200
    return {order.number for order in response.context["orders"]}


def test_the_list_filters_by_channel_and_store(three_channels, store_a, office, client):
    """Channel "Pilot store counter" lists both counter sales; store A only its
    own; both filters are described above the results."""
    client.force_login(office)
    orders = three_channels

    assert listed(client) == {o.number for o in orders.values()}
    assert listed(client, channel="in_store") == {
        orders["at_a"].number,
        orders["at_b"].number,
    }
    assert listed(client, channel="online") == {orders["online"].number}
    assert listed(client, store=store_a.pk) == {orders["at_a"].number}
    page = text(
        client.get(
            reverse("dashboard:order-list"),
            {"channel": "in_store", "store": store_a.pk},
        )
    )
    assert "Channel is Pilot store counter" in page
    assert "Store is Boutique Casablanca" in page
    assert 'class="order-store">Boutique Casablanca<' in page


def test_an_unknown_filter_value_is_a_form_error_not_a_crash(office, client, db):
    """A channel or store that does not exist leaves the list unfiltered, with
    the form's message."""
    client.force_login(office)
    response = client.get(
        reverse("dashboard:order-list"), {"channel": "teleport", "store": "999999"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)


def test_the_csv_export_has_the_channel_and_store(three_channels, office, client):
    """Downloaded orders carry their channel and store."""
    client.force_login(office)
    response = client.get(
        reverse("dashboard:order-list"),
        {"response_format": "csv", "channel": "in_store"},
    )
    content = response.content.decode()
    assert "Channel" in content.splitlines()[0]
    assert "Pilot store counter" in content
    assert "Boutique Marrakech" in content


def test_the_order_page_shows_its_origin(three_channels, office, client):
    """A counter sale shows its channel, store, fulfilment and who sold it; an
    online order shows the customer placed it."""
    client.force_login(office)

    counter_page = text(client.get(detail(three_channels["at_a"])))
    online_page = text(client.get(detail(three_channels["online"])))

    origin = counter_page[counter_page.index('id="order-origin"') :]
    origin = origin[: origin.index("</table>")]
    for expected in (
        "Pilot store counter",
        "Boutique Casablanca",
        "Taken away at the counter",
        "Nadia Bennani",
    ):
        assert expected in origin
    online = online_page[online_page.index('id="order-origin"') :]
    assert "Online shop" in online
    assert "Delivery to an address" in online
    assert "The customer" in online


def test_statuses_read_in_the_dashboards_language(shopper, argan_oil, office, client):
    """A French dashboard says "En attente", "En préparation" in the
    list, the search form, the order page, its history and the status choice
    (the stored codes stay English)."""
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    client.force_login(office)
    set_status(client, order, "Being processed")

    listing = text(client.get("/fr/shop/dashboard/orders/"))
    page = text(client.get(f"/fr/shop/dashboard/orders/{order.number}/"))

    assert "<td>En préparation</td>" in listing
    assert '<option value="Pending">En attente</option>' in listing
    assert "<td>En préparation</td>" in page  # the summary
    assert "<td>En attente</td>" in page  # the history's "from"
    assert '<option value="Cancelled">Annulée</option>' in page
    for code in ("<td>Pending</td>", "<td>Being processed</td>", ">Cancelled<"):
        assert code not in listing
    # Lines too: their status and the choice for selected lines, posting codes.
    assert "<td>Being processed</td>" not in page
    assert 'value="Cancelled">Cancelled<' not in page
    lines = page[page.index('id="order_lines_form"') :]
    assert "<td>Pending</td>" not in lines[: lines.index("</table>")]
    assert '<option value="Being processed">En préparation</option>' in lines


def test_the_csv_export_never_hands_a_spreadsheet_a_formula(argan_oil, office, client):
    """A ship-to name typed as a formula is exported as text, not a live link."""
    basket = create_basket(empty=True)
    basket.add_product(argan_oil)
    create_order(
        basket=basket,
        shipping_address=ShippingAddressFactory(
            first_name='=HYPERLINK("http://evil.example","Voir")', last_name=""
        ),
    )
    client.force_login(office)

    response = client.get(reverse("dashboard:order-list"), {"response_format": "csv"})

    (row,) = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["Deliver to name"].startswith("'=HYPERLINK(")
