"""Counter actions on an order land in its audit trail: who at which counter,
what came back, the money before and after."""

from decimal import Decimal

import pytest

from shop.audit.models import Action, AuditEntry, Source
from shop.instore.services.drawer import drawer_session_open
from tests.instore.test_returns import counter_order, logged_in, return_post
from tests.shop.checkout_journey import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_counter_return_is_in_the_order_history(
    store_a, manager_a, office, argan_oil, customer
):
    """The manager's cash return: the return and the refund are recorded as the
    counter's, and office staff read both on the order page."""
    order = counter_order(
        store=store_a, lines=[(argan_oil, 2, Decimal("240.00"))], customer=customer
    )
    drawer_session_open(store=store_a, opening_float=Decimal("500.00"), by=manager_a)
    line = order.lines.get()

    return_post(logged_in(manager_a), store_a, order, {line: 1})

    refund, counter_return = AuditEntry.objects.order_by("pk")
    assert (refund.action, refund.actor) == (Action.PAYMENT_REFUNDED, manager_a)
    assert refund.source == Source.COUNTER
    assert (refund.before["refunded"], refund.after["refunded"]) == ("0.00", "120.00")
    assert counter_return.action == Action.COUNTER_RETURN
    assert counter_return.after["lines"] == {line.title: 1}
    page = logged_in(office).get(url("dashboard:order-detail", number=order.number))
    history = page.content.decode().split('id="history"')[1]
    assert "Nadia Bennani" in history
    assert "Store counter" in history
    assert "Return at the counter" in history
    assert "Given back by: Cash" in history
