"""Who buys wholesale: a company's buyers see its prices, nobody else does."""

import pytest
from django.test import RequestFactory

from shop.sales.context import Channel
from shop.sales.selectors import sales_context_get
from shop.wholesale.models import QuoteRequest, QuoteStatus, StatusChange
from shop.wholesale.services.states import (
    TRANSITIONS,
    TransitionRefused,
    request_transition,
)

pytestmark = pytest.mark.django_db


def context_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return sales_context_get(request=request)


def test_a_buyer_buys_in_their_company_context(buyer, chain, retail_customer):
    """A company's buyer gets the wholesale channel and the company's pricing
    key; a retail customer stays online."""
    context = context_of(buyer)
    assert context.channel == Channel.WHOLESALE
    assert context.company == chain
    assert context.pricing_key == f"wholesale-MA-company{chain.pk}"
    assert context_of(retail_customer).channel == Channel.ONLINE


def test_an_importer_is_quoted_in_euros(importer_buyer, importer):
    assert context_of(importer_buyer).market.currency == "EUR"


def test_a_deactivated_company_buys_at_retail(buyer, chain):
    chain.is_active = False
    chain.save()
    assert context_of(buyer).channel == Channel.ONLINE


def _request(company, user, status):
    return QuoteRequest.objects.create(
        company=company,
        created_by=user,
        number=f"RFQ-T-{QuoteStatus.values.index(status)}",
        status=status,
        delivery_country_id="MA",
    )


@pytest.mark.parametrize("start", QuoteStatus.values)
def test_only_the_lifecycle_moves_are_allowed(chain, buyer, start, english):
    """From each status, each allowed move is recorded (who, from → to) and
    every other one is refused with a message naming both statuses."""
    for target in QuoteStatus.values:
        request = _request(chain, buyer, start)
        if target in TRANSITIONS[start]:
            request_transition(request=request, to=target, by=buyer)
            request.refresh_from_db()
            assert request.status == target
            change = StatusChange.objects.get(request=request)
            assert (change.from_status, change.to_status, change.by) == (
                start,
                target,
                buyer,
            )
        else:
            with pytest.raises(TransitionRefused, match="cannot become"):
                request_transition(request=request, to=target, by=buyer)
            request.refresh_from_db()
            assert request.status == start
            assert not StatusChange.objects.filter(request=request).exists()
        request.delete()


def test_the_header_leads_each_buyer_to_their_area(client, buyer, retail_customer):
    """A buyer's header links to the wholesale area; a retail customer's not."""
    client.force_login(buyer)
    page = client.get("/en/shop/basket/").content.decode()
    assert 'href="/en/wholesale/dashboard/"' in page
    client.force_login(retail_customer)
    page = client.get("/en/shop/basket/").content.decode()
    assert 'href="/en/wholesale/dashboard/"' not in page
