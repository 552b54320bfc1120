"""A wholesale buyer in a real browser: asks for 12 cartons from the product
page, submits the request, and accepts the office's quote."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.shipping.services import shipping_countries_ensure
from shop.wholesale.models import PriceTier, QuoteRequest, QuoteStatus
from shop.wholesale.services.quotes import quote_send
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    OfficeStaffFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def honey(transactional_db):
    """Thyme honey in cartons of 6 (minimum 12 jars), 500 in a warehouse.

    A transactional test before this one may have flushed the countries.
    """
    shipping_countries_ensure()
    product = ProductFactory(
        title="Miel de thym 250 g",
        wholesale_pack_size=6,
        minimum_order_quantity=12,
        hs_code="040900",
        stockrecords__num_in_stock=500,
        stockrecords__price="80.00",
    )
    PriceTier.objects.create(product=product, min_packs=1, unit_price=Decimal("70.00"))
    PriceTier.objects.create(product=product, min_packs=10, unit_price=Decimal("64.00"))
    return product


def test_a_buyer_requests_a_quote_and_accepts_it(live_server, page, honey):
    buyer = MembershipFactory(
        company=CompanyFactory(name="Souk Moderne SA"), is_admin=True
    ).user
    office = OfficeStaffFactory()
    base = live_server.url
    page.goto(f"{base}/en/shop/accounts/login/")
    page.fill("#id_login-username", buyer.email)
    page.fill("#id_login-password", "terroir-client")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The product page offers the volume prices and a quote instead of the basket.
    page.goto(f"{base}{honey.get_absolute_url().replace('/fr/', '/en/')}")
    offer = page.locator("main").inner_text()
    assert "6 units per pack" in offer
    assert "64.00" in offer
    page.fill("#id_wholesale_packs", "12")
    with page.expect_navigation():
        page.locator("form.wholesale-request-add [type=submit]").click()
    # The line to confirm, then into the buyer's draft request.
    with page.expect_navigation():
        page.get_by_role("button", name="Add to my request").click()
    page.wait_for_url(re.compile(r"/wholesale/requests/\d+/$"))

    # The draft: delivery details, then submit.
    delivery = timezone.localdate() + datetime.timedelta(days=20)
    page.fill("#id_delivery_date", delivery.isoformat())
    page.fill("#id_delivery_city", "Casablanca")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and submit the request").click()
    request = QuoteRequest.objects.get()
    assert request.status == QuoteStatus.SUBMITTED
    assert list(request.lines.values_list("packs", flat=True)) == [12]

    # The office prices it: 12 cartons × 6 jars at 64.00, delivery 300.00.
    quote_send(
        request=request,
        lines=[(request.lines.get(), 12, Decimal("64.00"))],
        delivery_price=Decimal("300.00"),
        valid_until=timezone.localdate() + datetime.timedelta(days=10),
        payment_terms="prepaid",
        message="Livraison sous 48 h.",
        by=office,
    )

    page.reload()
    body = page.locator("main").inner_text()
    assert "MAD4,908.00" in body  # the quote: 72 jars × 64.00 + 300.00
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and order").click()

    request.refresh_from_db()
    assert request.status == QuoteStatus.CONVERTED
    order = request.order
    assert order.total_incl_tax == Decimal("4908.00")  # 72 × 64 + 300
    assert order.number in page.locator("main").inner_text()
    proforma = page.get_by_role("link", name="Download the proforma invoice (PDF)")
    assert proforma.is_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_buyer_area_fits_a_phone_and_a_desktop(live_server, page, honey, width):
    """The catalogue's wide table scrolls inside its box; no page of the area
    makes the whole window scroll sideways."""
    buyer = MembershipFactory(company=CompanyFactory(), is_admin=True).user
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/fr/shop/accounts/login/")
    page.fill("#id_login-username", buyer.email)
    page.fill("#id_login-password", "terroir-client")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for path in [
        "dashboard/",
        "catalogue/",
        "catalogue/?q=miel",
        "requests/",
        "account/",
    ]:
        page.goto(f"{live_server.url}/fr/wholesale/{path}")
        assert honey.title in page.content() or "catalogue" not in path
        overflow = page.evaluate(
            "document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
