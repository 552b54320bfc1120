"""Quotes accepted at the same moment (PostgreSQL, real threads): the credit
limit holds and a double click places one order."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from shop.shipping.services import shipping_countries_ensure
from shop.wholesale.models import PaymentTerms, QuoteRequest, QuoteStatus
from shop.wholesale.services.orders import OrderRefused, quote_accept
from tests.concurrency import at_once
from tests.factories import ProductFactory
from tests.wholesale.journey import quote_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english"),
]

Order = get_model("order", "Order")


@pytest.fixture(autouse=True)
def _countries(transactional_db):
    """Put back the countries other transactional tests' flushes removed."""
    shipping_countries_ensure()


@pytest.fixture
def argan(db):
    product = ProductFactory(
        title="Huile d'argane alimentaire 1 l", wholesale_pack_size=6
    )
    product.stockrecords.update(num_in_stock=1000)
    return product


def accept(request, user):
    return lambda: quote_accept(
        request=QuoteRequest.objects.get(pk=request.pk), by=user
    )


def test_two_acceptances_on_terms_cannot_pass_the_credit_limit_together(
    chain, buyer, colleague, office, argan
):
    """20 000.00 of credit, two quotes of 13 400.00 on terms accepted at the
    same moment by two buyers: one order, the other buyer told about the limit."""
    chain.payment_terms = PaymentTerms.NET_30
    chain.credit_limit = Decimal("20000.00")
    chain.save()
    requests = [
        quote_for(
            company=chain,
            buyer=buyer,
            office=office,
            lines=[(argan, 25, "87.00")],  # 150 × 87.00 + 350.00 = 13 400.00
            terms=PaymentTerms.NET_30,
        )[0]
        for _ in range(2)
    ]

    outcomes = at_once(
        [accept(requests[0], buyer), accept(requests[1], colleague)],
        refused=OrderRefused,
    )

    (order,) = [o for o in outcomes if isinstance(o, Order)]
    (refusal,) = [o for o in outcomes if isinstance(o, OrderRefused)]
    assert order.total_incl_tax == Decimal("13400.00")
    assert "over your credit limit of MAD20,000.00" in str(refusal).replace("\xa0", " ")
    assert Order.objects.count() == 1
    statuses = sorted(QuoteRequest.objects.values_list("status", flat=True))
    assert statuses == [QuoteStatus.CONVERTED, QuoteStatus.QUOTED]
    assert argan.stockrecords.get().num_allocated == 150


def test_a_double_click_at_the_same_moment_places_one_order(
    chain, buyer, office, argan
):
    """Two accepts of one quote at once: both get the same order, the stock is
    allocated once."""
    request, _quote = quote_for(
        company=chain, buyer=buyer, office=office, lines=[(argan, 10, "87.00")]
    )

    first, second = at_once(
        [accept(request, buyer), accept(request, buyer)], refused=OrderRefused
    )

    assert isinstance(first, Order)
    assert first == second
    assert Order.objects.count() == 1
    assert argan.stockrecords.get().num_allocated == 60
