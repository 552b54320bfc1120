"""The store's click & collect queue: online orders and counter reservations,
to prepare → ready (the customer is emailed) → handed over (pay at pickup is
taken then)."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from oscar.templatetags.currency_filters import currency

from shop.checkout.services import offline_checkout_place, order_number_reserve
from shop.instore.models import CashMovement
from shop.instore.services import sales
from shop.instore.services.collect import (
    CollectRefused,
    PickupPayment,
    collect_handover,
    collect_ready,
)
from shop.instore.services.drawer import drawer_cash_expected, drawer_session_open
from shop.partner.models import OpeningPeriod
from shop.payments.services import order_cancel
from shop.sales.context import ONLINE, Delivery, Fulfilment, OrderIntent
from shop.sales.services import order_payment_prepare
from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.factories import CustomerFactory
from tests.shop.checkout_journey import CARD_OK, Shopper

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Selector = get_class("partner.strategy", "Selector")

SALMA_ADDRESS = {
    "first_name": "Salma",
    "last_name": "Bennani",
    "line1": "12 rue Tarik Ibn Ziad",
    "line4": "Casablanca",
    "postcode": "20000",
    "country_id": "MA",
    "phone_number": "+212612345678",
}


def collect_order_place(
    *,
    store,
    product,
    quantity: int = 1,
    method: str = "pay_at_pickup",
    language: str = "fr",
    email: str = "salma@example.ma",
    address: dict | None = None,
):
    """Place an online click & collect order through the placement service, as
    the web checkout does (without walking its pages)."""
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy(context=ONLINE)
    basket.add_product(product, quantity)
    intent = OrderIntent(
        context=ONLINE,
        customer=None,
        guest_email=email,
        delivery=Delivery(
            method_code=f"click-collect-{store.pk}",
            address=address if address is not None else SALMA_ADDRESS,
            store=store,
        ),
        payment_method=method,
        language=language,
    )
    payment = order_payment_prepare(
        order_number=order_number_reserve(basket=basket),
        intent=intent,
        basket=basket,
        amount=basket.total_incl_tax,
    )
    return offline_checkout_place(payment=payment, basket=basket)


def url(name: str, store, **kwargs) -> str:
    """Counter URLs in English, so tests read the source strings."""
    from django.utils import translation

    with translation.override("en"):
        return reverse(name, kwargs={"store": store.code, **kwargs})


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def saturday_hours(store_a):
    OpeningPeriod.objects.create(
        partner=store_a, weekday=5, opens="10:00", closes="13:00"
    )


@pytest.fixture
def drawer(store_a, staff_a):
    return drawer_session_open(
        store=store_a, opening_float=Decimal("200.00"), by=staff_a
    )


def test_an_online_order_is_prepared_emailed_and_handed_over_for_cash(
    store_a,
    store_b,
    staff_a,
    staff_b,
    argan_oil,
    saturday_hours,
    english,
    django_capture_on_commit_callbacks,
):
    """A shopper's click & collect order shows in store A's queue (not B's);
    marking it ready emails the shopper in French with the store's address and
    hours; the cash taken at the handover is recorded as paid and goes into the
    open drawer, and the goods leave the shelf."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    shopper = Shopper(Client(), language="fr")
    shopper.up_to_payment([(argan_oil, 2)], shipping=f"click-collect-{store_a.pk}")
    shopper.pay_by("pay_at_pickup")
    shopper.place()
    order = Order.objects.get()
    assert order.total_incl_tax == Decimal("240.00")
    staff = signed_in(staff_a)

    queue = text(staff.get(url("instore:collect-queue", store_a)))
    assert order.number in queue
    assert "To prepare" in queue
    assert "Take MAD" not in queue  # nothing to take before it is ready
    assert order.number not in text(
        signed_in(staff_b).get(url("instore:collect-queue", store_b))
    )

    with django_capture_on_commit_callbacks(execute=True):
        with_message = staff.post(
            url("instore:collect-ready", store_a, number=order.number), follow=True
        )
    assert f"Order {order.number} is ready; salma@example.ma was emailed." in text(
        with_message
    )
    order.refresh_from_db()
    assert order.status == "Ready for collection"
    assert mail.outbox[-1].to == ["salma@example.ma"]
    assert "Horaires d’ouverture :" in mail.outbox[-1].body

    ready_queue = text(staff.get(url("instore:collect-queue", store_a)))
    assert f"Take {currency(Decimal('240.00'), 'MAD')}" in ready_queue

    refused = staff.post(
        url("instore:collect-handover", store_a, number=order.number),
        {"method": "cash"},
        follow=True,
    )
    assert "Open the cash drawer before taking cash." in text(refused)
    order.refresh_from_db()
    assert order.status == "Ready for collection"

    drawer = drawer_session_open(
        store=store_a, opening_float=Decimal("200.00"), by=staff_a
    )
    done = staff.post(
        url("instore:collect-handover", store_a, number=order.number),
        {"method": "cash"},
        follow=True,
    )

    assert (
        f"Order {order.number} handed over; "
        f"{currency(Decimal('240.00'), 'MAD')} taken in cash."
    ) in text(done)
    order.refresh_from_db()
    assert order.status == "Complete"
    assert list(order.payment_events.values_list("event_type__code", "amount")) == [
        ("paid", Decimal("240.00"))
    ]
    assert order.sources.get().amount_debited == Decimal("240.00")
    assert drawer_cash_expected(session=drawer) == Decimal("440.00")
    movement = CashMovement.objects.get()
    assert movement.kind == CashMovement.Kind.SALE
    assert movement.sale is None
    # Written once, in the shop's default language (French).
    assert movement.reason == f"Retrait en boutique {order.number}"
    shelf = store_a.stockrecords.get()
    assert (shelf.num_in_stock, shelf.num_allocated) == (3, 0)
    assert order.number not in text(staff.get(url("instore:collect-queue", store_a)))


def test_the_ready_email_speaks_the_language_of_the_order(
    store_a, staff_a, argan_oil, saturday_hours, django_capture_on_commit_callbacks
):
    """The customer reads "ready" in the language they ordered in, with the
    store's address and opening hours and what is left to pay."""
    french = collect_order_place(store=store_a, product=argan_oil, language="fr")
    arabic = collect_order_place(
        store=store_a, product=argan_oil, language="ar", email="amina@example.ma"
    )

    with django_capture_on_commit_callbacks(execute=True):
        collect_ready(order=french, store=store_a, by=staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        collect_ready(order=arabic, store=store_a, by=staff_a)

    fr, ar = mail.outbox
    assert fr.to == ["salma@example.ma"]
    assert french.number in fr.subject
    assert "Boutique Casablanca" in fr.subject
    assert "12 boulevard d'Anfa, Casablanca" in fr.body
    assert "Horaires d’ouverture :" in fr.body
    assert "samedi 10:00–13:00" in fr.body
    assert "120,00" in fr.body  # to pay at pickup, in French number format
    assert fr.extra_headers["Content-Language"] == "fr"
    assert ar.to == ["amina@example.ma"]
    assert "مواعيد العمل:" in ar.body
    assert "السبت 10:00–13:00" in ar.body
    assert "samedi" not in ar.body
    assert ar.extra_headers["Content-Language"] == "ar"


def test_a_card_terminal_payment_at_pickup_needs_its_slip_number(
    store_a, staff_a, argan_oil, english
):
    """Paid on the store's terminal: the slip number is required and recorded
    on the paid event; no cash enters the drawer."""
    order = collect_order_place(store=store_a, product=argan_oil)
    staff = signed_in(staff_a)
    staff.post(url("instore:collect-ready", store_a, number=order.number))

    missing = staff.post(
        url("instore:collect-handover", store_a, number=order.number),
        {"method": "card_terminal", "reference": "  "},
        follow=True,
    )
    assert "Enter the card terminal's slip number." in text(missing)
    no_method = staff.post(
        url("instore:collect-handover", store_a, number=order.number), follow=True
    )
    assert (
        f"Order {order.number} is paid at pickup: take cash, or the card "
        "terminal's slip number."
    ) in text(no_method)
    order.refresh_from_db()
    assert order.status == "Ready for collection"
    assert not order.payment_events.exists()

    done = staff.post(
        url("instore:collect-handover", store_a, number=order.number),
        {"method": "card_terminal", "reference": "778812"},
        follow=True,
    )

    assert f"Order {order.number} handed over; paid by card (slip 778812)." in text(
        done
    )
    event = order.payment_events.get()
    assert (event.event_type.code, event.amount, event.reference) == (
        "paid",
        Decimal("120.00"),
        "778812",
    )
    assert not CashMovement.objects.exists()
    assert "ticket 778812" in order.notes.get(message__startswith="Remise").message
    # The store's day counts it with the terminal's payments, not in cash.
    from django.utils import timezone

    from shop.instore.reports import day_report_get

    totals = {
        total.key: (total.count, total.amount)
        for total in day_report_get(store=store_a, day=timezone.localdate()).payments
    }
    assert totals["card_terminal"] == (1, Decimal("120.00"))
    assert totals["collected_at_pickup"] == (0, Decimal("0.00"))


def test_an_order_paid_by_card_online_is_just_handed_over(
    store_a, staff_a, argan_oil, local_stripe, drawer, english
):
    """An order the shopper paid by card asks for no payment at the counter, and
    staff cannot take money for it a second time."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    shopper = Shopper(Client())
    shopper.up_to_payment([(argan_oil, 1)], shipping=f"click-collect-{store_a.pk}")
    shopper.pay_by("card")
    shopper.place(card=CARD_OK)
    order = Order.objects.get()
    staff = signed_in(staff_a)
    staff.post(url("instore:collect-ready", store_a, number=order.number))

    queue = text(staff.get(url("instore:collect-queue", store_a)))
    assert "Paid" in queue
    assert "Take MAD" not in queue
    twice = staff.post(
        url("instore:collect-handover", store_a, number=order.number),
        {"method": "cash"},
        follow=True,
    )
    assert (
        f"Order {order.number} is already paid: hand it over without payment."
        in text(twice)
    )

    done = staff.post(
        url("instore:collect-handover", store_a, number=order.number), follow=True
    )

    assert f"Order {order.number} handed over." in text(done)
    order.refresh_from_db()
    assert order.status == "Complete"
    assert sorted(order.payment_events.values_list("event_type__code", flat=True)) == [
        "authorised",
        "captured",
    ]
    assert drawer_cash_expected(session=drawer) == Decimal("200.00")


def test_a_counter_reservation_joins_the_queue(
    store_a, staff_a, argan_oil, english, django_capture_on_commit_callbacks
):
    """Goods reserved at the counter for a later pickup wait in the same queue
    with their pickup date, already paid; the customer is emailed when ready."""
    customer = CustomerFactory(email="karim@example.ma", first_name="Karim")
    sale = sales.sale_open(store=store_a, by=staff_a)
    sales.sale_line_add(sale=sale, product=argan_oil, quantity=1, by=staff_a)
    sales.sale_customer_set(sale=sale, customer=customer, by=staff_a)
    pickup = timezone.localdate() + datetime.timedelta(days=2)
    sales.sale_fulfilment_set(
        sale=sale, fulfilment=Fulfilment.COLLECT, pickup_date=pickup, by=staff_a
    )
    order = sales.sale_place(
        sale=sale,
        payment=sales.CounterPayment("card_terminal", card_reference="T-1"),
        by=staff_a,
    )
    mail.outbox.clear()
    staff = signed_in(staff_a)

    queue = text(staff.get(url("instore:collect-queue", store_a)))
    assert order.number in queue
    assert "Reserved at the counter" in queue
    assert "Karim" in queue

    with django_capture_on_commit_callbacks(execute=True):
        collect_ready(order=order, store=store_a, by=staff_a)
    assert mail.outbox[0].to == ["karim@example.ma"]
    assert "already paid" in mail.outbox[0].body

    handover = collect_handover(order=order, store=store_a, payment=None, by=staff_a)
    assert handover.cash_taken is None
    order.refresh_from_db()
    assert order.status == "Complete"


def test_a_customer_without_email_is_called_instead(store_a, staff_a, argan_oil):
    """Marking ready an order with no email address says so; nothing is sent."""
    order = collect_order_place(store=store_a, product=argan_oil, email="")
    staff = signed_in(staff_a)

    response = staff.post(
        url("instore:collect-ready", store_a, number=order.number), follow=True
    )

    assert (
        f"Order {order.number} is ready. It has no email address: call the customer."
    ) in text(response)
    assert mail.outbox == []


def test_an_order_still_to_prepare_can_be_handed_over_at_once(
    store_a, staff_a, argan_oil, drawer
):
    """The customer came before the order was marked ready: it goes through
    "ready" to "complete" on handover, without an email."""
    order = collect_order_place(store=store_a, product=argan_oil)

    collect_handover(
        order=order, store=store_a, payment=PickupPayment("cash"), by=staff_a
    )

    order.refresh_from_db()
    assert order.status == "Complete"
    assert list(
        order.status_changes.order_by("pk").values_list("new_status", flat=True)
    ) == ["Ready for collection", "Complete"]
    assert mail.outbox == []


def test_wrong_states_are_refused_with_a_reason(
    store_a, store_b, staff_a, argan_oil, drawer, english
):
    """Ready twice, handed over twice, a cancelled order, another store's
    order and an order not collected at a store are each refused, saying why."""
    order = collect_order_place(store=store_a, product=argan_oil)
    collect_ready(order=order, store=store_a, by=staff_a)
    with pytest.raises(CollectRefused, match="is already marked ready"):
        collect_ready(order=order, store=store_a, by=staff_a)
    with pytest.raises(CollectRefused, match="is not one of this store's orders"):
        collect_handover(
            order=order, store=store_b, payment=PickupPayment("cash"), by=staff_a
        )
    collect_handover(
        order=order, store=store_a, payment=PickupPayment("cash"), by=staff_a
    )
    with pytest.raises(CollectRefused, match="was already collected"):
        collect_handover(
            order=order, store=store_a, payment=PickupPayment("cash"), by=staff_a
        )
    with pytest.raises(CollectRefused, match="was already collected"):
        collect_ready(order=order, store=store_a, by=staff_a)

    cancelled = collect_order_place(store=store_a, product=argan_oil)
    order_cancel(order=cancelled)
    staff = signed_in(staff_a)
    response = staff.post(
        url("instore:collect-handover", store_a, number=cancelled.number),
        {"method": "cash"},
        follow=True,
    )
    assert f"Order {cancelled.number} is cancelled: do not hand it over." in text(
        response
    )
    assert cancelled.payment_events.count() == 0

    take_away = sales.sale_open(store=store_a, by=staff_a)
    sales.sale_line_add(sale=take_away, product=argan_oil, quantity=1, by=staff_a)
    sold = sales.sale_place(
        sale=take_away,
        payment=sales.CounterPayment("cash", cash_tendered=Decimal("120.00")),
        by=staff_a,
    )
    with pytest.raises(CollectRefused, match="is not collected at a store"):
        collect_ready(order=sold, store=store_a, by=staff_a)


def test_other_stores_staff_and_customers_cannot_act(
    store_a, store_b, staff_b, customer, argan_oil, english
):
    """Store B's staff get 404 for store A's order under their own store and 403
    on store A's pages; customers get 403; visitors are sent to log in."""
    order = collect_order_place(store=store_a, product=argan_oil)
    staff = signed_in(staff_b)

    assert (
        staff.post(url("instore:collect-ready", store_b, number=order.number))
    ).status_code == 404
    assert (
        staff.post(url("instore:collect-ready", store_a, number=order.number))
    ).status_code == 403
    assert staff.get(url("instore:collect-queue", store_a)).status_code == 403
    assert (
        signed_in(customer).get(url("instore:collect-queue", store_a)).status_code
        == 403
    )
    visitor = Client().get(url("instore:collect-queue", store_a))
    assert visitor.status_code == 302
    assert "login" in visitor["Location"]
    order.refresh_from_db()
    assert order.status == "Pending"


def test_the_queue_costs_the_same_queries_for_20_orders(
    store_a, staff_a, argan_oil, saffron, django_assert_max_num_queries
):
    """The queue page loads 20 orders (lines, payments, history) in a fixed
    number of queries."""
    store_a.stockrecords.update(num_in_stock=50)
    staff = signed_in(staff_a)
    for number in range(20):
        order = collect_order_place(
            store=store_a, product=saffron if number % 2 else argan_oil
        )
        if number % 3 == 0:
            collect_ready(order=order, store=store_a, by=staff_a)
    staff.get(url("instore:collect-queue", store_a))

    # Session, user, store and permissions (7), orders, their lines, payment
    # events and status changes (4), the header's notifications (1).
    with django_assert_max_num_queries(12):
        response = staff.get(url("instore:collect-queue", store_a))

    assert text(response).count('<article class="queue-card') == 20


@pytest.mark.parametrize(
    ("target", "lands_on_target"),
    [("https://evil.example/", False), ("//evil.example/", False), ("own", True)],
)
def test_after_an_action_staff_go_back_only_to_a_page_of_the_site(
    store_a, staff_a, argan_oil, target, lands_on_target
):
    """The form's `next` brings staff back where they were, never off the site."""
    order = collect_order_place(store=store_a, product=argan_oil)
    queue = url("instore:collect-queue", store_a)
    if target == "own":
        target = f"{queue}?q={order.number}"

    response = signed_in(staff_a).post(
        url("instore:collect-ready", store_a, number=order.number), {"next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == (target if lands_on_target else queue)
