"""The audit trail: every staff change to an order or its money is recorded with
who, when, from where, before and after, and office staff read it on the order
page; nobody edits or deletes an entry."""

import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.apps.address.models import Country
from oscar.apps.order.models import (
    Order,
    OrderNote,
    PaymentEventType,
    ShippingEventType,
)
from oscar.test.factories import (
    ShippingAddressFactory,
    create_basket,
    create_order,
)

from shop.audit.models import Action, AuditEntry, Source
from shop.audit.services import Actor, audit_record
from tests.factories import CustomerFactory, PilotStoreFactory, ProductFactory
from tests.shop.checkout_journey import CARD_OK, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def text(response) -> str:
    """The page's text, tags dropped and spaces collapsed."""
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(page).split())


def history(client, order) -> str:
    """The History tab of the order's dashboard page, as text."""
    page = client.get(url("dashboard:order-detail", number=order.number))
    assert page.status_code == 200
    content = page.content.decode()
    start = content.index('id="history"')
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content[start:])).split())


def order_detail(client, order, data):
    return client.post(
        url("dashboard:order-detail", number=order.number), data, follow=True
    )


def simple_order(**kwargs):
    """An order of two argan oils, built without the checkout pages."""
    basket = create_basket(empty=True)
    basket.add_product(ProductFactory(title="Huile d'argane"), quantity=2)
    order = create_order(basket=basket, **kwargs)
    order.set_status("Pending")
    return order


def web_order(shopper, product, method):
    shopper.up_to_payment([(product, 1)], shipping="standard")
    shopper.pay_by(method)
    shopper.place(card=CARD_OK if method == "card" else None)
    return Order.objects.get()


def payment_action(client, order, action, **data):
    return client.post(
        url("payments:order-action", number=order.number, action=action),
        data,
        follow=True,
    )


def test_a_status_change_shows_who_made_it_and_from_what_to_what(client, office):
    """Office staff move an order on: the History tab names them, the source,
    the old and the new status; the entry is stored with its actor."""
    order = simple_order()
    client.force_login(office)

    order_detail(
        client,
        order,
        {"order_action": "change_order_status", "new_status": "Being processed"},
    )

    entry = AuditEntry.objects.get()
    assert entry.actor == office
    assert entry.source == Source.DASHBOARD
    assert entry.before == {"status": "Pending"}
    assert entry.after == {"status": "Being processed"}
    tab = history(client, order)
    assert "Salma Alaoui Dashboard Order status changed" in tab
    assert "Status: Pending Status: Being processed" in tab


def test_statuses_changed_from_the_order_list_are_recorded_too(client, office):
    """Several orders moved on at once: one entry each."""
    first, second = simple_order(), simple_order()
    client.force_login(office)

    client.post(
        url("dashboard:order-list"),
        {
            "action": "change_order_statuses",
            "selected_order": [first.pk, second.pk],
            "new_status": "Shipped",
        },
    )

    entries = AuditEntry.objects.filter(action=Action.ORDER_STATUS, actor=office)
    assert sorted(entries.values_list("order_number", flat=True)) == sorted(
        [str(first.number), str(second.number)]
    )
    assert {entry.after["status"] for entry in entries} == {"Shipped"}


def test_the_history_reads_in_the_staff_language(client, office):
    """Labels, source and statuses are translated; the stored codes are not."""
    order = simple_order()
    client.force_login(office)
    order_detail(
        client,
        order,
        {"order_action": "change_order_status", "new_status": "Being processed"},
    )

    page = client.get(url("dashboard:order-detail", "fr", number=order.number))

    assert "Historique" in text(page)
    assert "Statut de commande modifié" in text(page)
    assert "En préparation" in text(page)


def test_a_card_capture_a_refund_and_a_cancel_are_each_recorded(
    shopper, argan_oil, office, client, local_stripe
):
    """The capture after checkout is the shop's own; the refund and the cancel
    staff make from the payment buttons name them, with the amounts before and
    after each movement."""
    order = web_order(shopper, argan_oil, "card")  # 120 + 35 delivery
    client.force_login(office)

    payment_action(client, order, "refund", amount="50.00")
    payment_action(client, order, "cancel")

    entries = list(AuditEntry.objects.order_by("pk"))
    assert [entry.action for entry in entries] == [
        Action.PAYMENT_CAPTURED,
        Action.PAYMENT_REFUNDED,
        Action.PAYMENT_REFUNDED,
        Action.ORDER_STATUS,
    ]
    captured, refund, rest, cancelled = entries
    assert (captured.actor, captured.source) == (None, Source.SYSTEM)
    assert captured.after["paid"] == "155.00"
    assert (refund.actor, refund.source) == (office, Source.DASHBOARD)
    assert (refund.before["refunded"], refund.after["refunded"]) == ("0.00", "50.00")
    assert (rest.before["refunded"], rest.after["refunded"]) == ("50.00", "155.00")
    assert cancelled.after == {"status": "Cancelled"}
    tab = history(client, order)
    assert "Card payment captured" in tab
    reference = order.checkout_payment.reference
    assert f"Salma Alaoui Dashboard Money refunded {reference}" in tab
    assert "Refunded: 0.00 Amount: — Refunded: 50.00 Amount: 50.00" in tab


def test_marking_cash_on_delivery_paid_is_recorded(shopper, argan_oil, office, client):
    """The cash staff record is in the history, with what was paid before."""
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    client.force_login(office)

    payment_action(client, order, "mark-paid")

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == (Action.PAYMENT_RECORDED, office)
    assert entry.before["paid"] == "0.00"
    assert entry.after["paid"] == str(order.total_incl_tax)
    assert "Payment recorded" in history(client, order)


def test_a_refused_action_records_nothing(shopper, argan_oil, office, client):
    """Refunding more than was paid changes nothing, so nothing is recorded."""
    order = web_order(shopper, argan_oil, "cash_on_delivery")
    client.force_login(office)

    response = payment_action(client, order, "refund", amount="10.00")

    assert "Only card payments are refunded here." in text(response)
    assert not AuditEntry.objects.exists()


def test_line_statuses_and_events_made_on_the_order_page_are_recorded(client, office):
    """Changing a line's status, adding a shipping event and a payment event
    each leave an entry naming the line and the quantities."""
    order = simple_order()
    line = order.lines.get()
    ShippingEventType.objects.create(code="dispatched", name="Dispatched")
    PaymentEventType.objects.get_or_create(code="paid", defaults={"name": "Paid"})
    client.force_login(office)
    selected = {"selected_line": [line.pk], f"selected_line_qty_{line.pk}": "2"}

    order_detail(
        client,
        order,
        {
            **selected,
            "line_action": "change_line_statuses",
            "new_status": "Being processed",
        },
    )
    order_detail(
        client,
        order,
        {
            **selected,
            "line_action": "create_shipping_event",
            "shipping_event_type": "dispatched",
            "reference": "AMANA-123",
        },
    )
    order_detail(
        client,
        order,
        {
            **selected,
            "line_action": "create_payment_event",
            "payment_event_type": "paid",
            "amount": "30.00",
        },
    )

    status, shipped, paid = AuditEntry.objects.order_by("pk")
    assert (status.action, status.object_label) == (Action.LINE_STATUS, line.title)
    assert status.after == {"status": "Being processed"}
    assert shipped.action == Action.SHIPPING_EVENT
    assert shipped.after["reference"] == "AMANA-123"
    assert shipped.after["lines"] == {line.title: 2}
    assert (paid.action, paid.after["amount"]) == (Action.PAYMENT_EVENT, "30.00")
    tab = history(client, order)
    assert "Line status changed Huile d'argane" in tab
    assert "Shipping event created Dispatched" in tab
    assert "Payment event created Paid" in tab


def test_notes_added_edited_and_deleted_are_recorded(client, office):
    """A note's text before and after each edit stays in the history, also once
    the note is deleted; the record of a status change cannot be deleted."""
    order = simple_order()
    system_note = order.notes.create(
        message="Order status changed", note_type=OrderNote.SYSTEM
    )
    client.force_login(office)

    order_detail(client, order, {"order_action": "save_note", "message": "Appelé"})
    note = order.notes.exclude(note_type=OrderNote.SYSTEM).get()
    client.post(
        url("dashboard:order-detail-note", number=order.number, note_id=note.pk),
        {"order_action": "save_note", "message": "Appelé, rappeler lundi"},
    )
    order_detail(client, order, {"order_action": "delete_note", "note_id": note.pk})
    refused = order_detail(
        client, order, {"order_action": "delete_note", "note_id": system_note.pk}
    )
    garbage = order_detail(
        client, order, {"order_action": "delete_note", "note_id": "abc"}
    )

    assert "Note cannot be deleted" in text(refused)
    assert garbage.status_code == 200
    assert order.notes.filter(pk=system_note.pk).exists()
    added, edited, deleted = AuditEntry.objects.order_by("pk")
    assert (added.action, added.after) == (Action.NOTE_ADDED, {"message": "Appelé"})
    assert edited.before == {"message": "Appelé"}
    assert edited.after == {"message": "Appelé, rappeler lundi"}
    assert deleted.action == Action.NOTE_DELETED
    assert deleted.before == {"message": "Appelé, rappeler lundi"}
    tab = history(client, order)
    assert "Note deleted" in tab
    assert "Note: Appelé Note: Appelé, rappeler lundi" in tab


@pytest.mark.usefixtures("shipping_reference_data")
def test_a_delivery_address_edit_records_the_fields_it_changed(client, office):
    """Only the changed fields, before and after, labelled like the form."""
    address = ShippingAddressFactory(
        country=Country.objects.get(iso_3166_1_a2="MA"),
        line1="3 rue Ibn Battouta",
        line4="Casablanca",
        postcode="20250",
        phone_number="+212661234567",
    )
    order = simple_order(shipping_address=address)
    client.force_login(office)
    form = client.get(
        url("dashboard:order-shipping-address", number=order.number)
    ).context["form"]
    data = {
        name: value if value is not None else ""
        for name, value in form.initial.items()
        if name in form.fields
    }

    response = client.post(
        url("dashboard:order-shipping-address", number=order.number),
        {**data, "line1": "12 rue Tarik Ibn Ziad"},
        follow=True,
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == Action.SHIPPING_ADDRESS
    assert entry.before == {"line1": "3 rue Ibn Battouta"}
    assert entry.after == {"line1": "12 rue Tarik Ibn Ziad"}
    assert "First line of address: 12 rue Tarik Ibn Ziad" in history(client, order)


def test_entries_are_never_changed_or_deleted(client, office, admin_user):
    """No model save or delete, no add/change/delete in the Django admin, even
    for a superuser; office staff read the trail there."""
    order = simple_order()
    entry = audit_record(
        action=Action.ORDER_STATUS,
        actor=Actor(office, Source.DASHBOARD),
        obj=order,
        order=order,
        before={"status": "Pending"},
        after={"status": "Shipped"},
    )

    entry.after = {"status": "Complete"}
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()

    client.force_login(office)
    assert client.get("/django-admin/audit/auditentry/").status_code == 200
    for user in (office, admin_user):
        client.force_login(user)
        change = f"/django-admin/audit/auditentry/{entry.pk}/change/"
        assert client.get("/django-admin/audit/auditentry/add/").status_code == 403
        assert 'name="_save"' not in client.get(change).content.decode()
        client.post(change, {"after": '{"status": "Complete"}'})
        delete = f"/django-admin/audit/auditentry/{entry.pk}/delete/"
        assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.after == {"status": "Shipped"}


def test_only_office_staff_read_the_history(client, office):
    """Store staff who can open an order of their store on the dashboard do not
    see its history; customers cannot open the page at all."""
    store = PilotStoreFactory()
    order = simple_order()
    order.lines.update(partner=store)
    audit_record(
        action=Action.ORDER_STATUS,
        actor=Actor(office, Source.DASHBOARD),
        obj=order,
        order=order,
        before={"status": "Pending"},
        after={"status": "Shipped"},
    )
    page = url("dashboard:order-detail", number=order.number)
    store_staff = CustomerFactory(email="vendeur@terroir.ma")
    store.users.add(store_staff)
    store_staff.user_permissions.add(
        Permission.objects.get(codename="dashboard_access")
    )

    client.force_login(store_staff)
    seen_by_store = client.get(page)
    client.force_login(CustomerFactory())
    seen_by_customer = client.get(page)
    client.force_login(office)
    seen_by_office = client.get(page)

    assert seen_by_store.status_code == 200
    assert 'id="history"' not in seen_by_store.content.decode()
    assert "Salma Alaoui" not in text(seen_by_store)
    assert seen_by_customer.status_code in (302, 403)
    assert "Salma Alaoui" not in text(seen_by_customer)
    assert 'id="history"' in seen_by_office.content.decode()


def test_the_order_page_costs_the_same_queries_with_many_entries(
    client, office, django_assert_max_num_queries
):
    """The history is read in one query, however long it is."""
    order = simple_order()
    actor = Actor(office, Source.DASHBOARD)
    client.force_login(office)

    def record(count):
        for _ in range(count):
            audit_record(
                action=Action.PAYMENT_REFUNDED,
                actor=actor,
                obj=order,
                order=order,
                before={"refunded": Decimal("0.00")},
                after={"refunded": Decimal("10.00")},
            )

    record(1)
    page = url("dashboard:order-detail", number=order.number)
    client.get(page)
    with CaptureQueriesContext(connection) as one_entry:
        client.get(page)
    record(20)

    with django_assert_max_num_queries(len(one_entry)):
        response = client.get(page)

    assert text(response).count("Money refunded") == 21
