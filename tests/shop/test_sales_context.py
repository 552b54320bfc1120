"""The sales context: who is buying picks the stock, the payment options and the
cache entries they see, and every placed order keeps its origin."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from oscar.apps.order.models import Order

from shop.cache import catalogue_cached, catalogue_version_context
from shop.checkout.selectors import payment_options_get
from shop.partner.strategy import Selector
from shop.sales.context import ONLINE, Channel, Fulfilment, in_store
from shop.shipping.methods import StandardDelivery, TakeAway
from tests.factories import PilotStoreFactory, StockRecordFactory

pytestmark = pytest.mark.django_db


def test_online_checkout_records_an_online_origin(
    shopper, argan_oil, django_capture_on_commit_callbacks
):
    """An order from the web checkout is marked as sold online, delivered."""
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard")
    shopper.pay_by("cash_on_delivery")
    with django_capture_on_commit_callbacks(execute=True):
        shopper.place()

    origin = Order.objects.get().origin
    assert origin.channel == Channel.ONLINE
    assert origin.fulfilment == Fulfilment.DELIVERY
    assert origin.store is None
    assert origin.placed_by is None


def test_click_and_collect_belongs_to_the_collecting_store(
    shopper, argan_oil, casablanca_store, django_capture_on_commit_callbacks
):
    """A click & collect order is online, collected at the store it names."""
    shopper.up_to_payment(
        [(argan_oil, 1)], shipping=f"click-collect-{casablanca_store.pk}"
    )
    shopper.pay_by("pay_at_pickup")
    with django_capture_on_commit_callbacks(execute=True):
        shopper.place()

    order = Order.objects.get()
    assert order.origin.channel == Channel.ONLINE
    assert order.origin.fulfilment == Fulfilment.COLLECT
    assert order.origin.store == casablanca_store
    assert order.checkout_payment.collect_store == casablanca_store
    assert order.lines.get().stockrecord.partner == casablanca_store


def test_a_counter_sells_from_its_shelf_first_then_the_warehouses(argan_oil):
    """At a store's counter the store's own units come first; when its shelf is
    empty the warehouse record is offered (the sale is then delivered)."""
    store = PilotStoreFactory()
    shelf = StockRecordFactory(product=argan_oil, partner=store, num_in_stock=2)
    counter = Selector().strategy(context=in_store(store))

    assert counter.fetch_for_product(argan_oil).stockrecord == shelf
    assert Selector().strategy().fetch_for_product(argan_oil).stockrecord != shelf

    shelf.num_allocated = 2
    shelf.save()
    argan_oil.refresh_from_db()
    assert counter.fetch_for_product(argan_oil).stockrecord.partner.is_store is False


def test_payment_options_follow_the_channel(argan_oil):
    """Online: card, cash on delivery, pay at pickup; at a counter: cash, card
    terminal, split, and pay on delivery only for goods delivered."""
    store = PilotStoreFactory()
    online = payment_options_get(
        context=ONLINE,
        shipping_method=StandardDelivery(weight=Decimal("1")),
        country_code="MA",
        total=Decimal("200.00"),
        currency_code="MAD",
    )
    assert [o.code for o in online] == ["card", "cash_on_delivery", "pay_at_pickup"]

    counter = payment_options_get(
        context=in_store(store),
        shipping_method=TakeAway(store=store),
        country_code="",
        total=Decimal("200.00"),
        currency_code="MAD",
    )
    available = {o.code: o.available for o in counter}
    assert available == {
        "cash": True,
        "card_terminal": True,
        "split": True,
        "cash_on_delivery": False,
    }


def test_cached_prices_never_cross_pricing_keys():
    """A value cached for online shoppers is not served at a store's counter,
    while data the same for every buyer is shared."""
    store = PilotStoreFactory()
    calls = []

    def compute(label):
        calls.append(label)
        return label

    assert (
        catalogue_cached(
            "cards", 1, compute=lambda: compute("online"), sales_context=ONLINE
        )
        == "online"
    )
    assert (
        catalogue_cached(
            "cards",
            1,
            compute=lambda: compute("counter"),
            sales_context=in_store(store),
        )
        == "counter"
    )
    assert (
        catalogue_cached(
            "cards", 1, compute=lambda: compute("again"), sales_context=ONLINE
        )
        == "online"
    )
    assert (
        catalogue_cached("menu", compute=lambda: "menu", sales_context=None) == "menu"
    )
    assert (
        catalogue_cached("menu", compute=lambda: "other", sales_context=None) == "menu"
    )
    assert calls == ["online", "counter"]


def test_template_fragments_are_kept_per_pricing_key():
    """A `{% cache %}` fragment keyed on `catalogue_version` (as every price
    fragment is) renders again for a request of another pricing key."""
    template = Template(
        "{% load cache %}{% cache 60 price catalogue_version %}"
        "{{ price }}{% endcache %}"
    )
    store = PilotStoreFactory()

    def render(context, price):
        request = RequestFactory().get("/")
        request.sales_context = context
        return template.render(
            Context({"price": price, **catalogue_version_context(request)})
        )

    assert render(ONLINE, "120,00") == "120,00"
    assert render(in_store(store), "99,00") == "99,00"
    assert render(ONLINE, "should not render") == "120,00"
    cache.clear()
    assert render(ONLINE, "fresh") == "fresh"
