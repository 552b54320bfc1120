"""A full counter sale in a real browser, keyboard only: scan, search, split
payment, change, receipt; then the manager takes one line back."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from search.services import index_rebuild
from shop.instore.models import CounterReturn, CounterSale
from shop.instore.services.drawer import drawer_cash_expected, drawer_session_open
from tests.factories import (
    PilotStoreFactory,
    ProductFactory,
    StockRecordFactory,
    StoreManagerFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def store(transactional_db):
    store = PilotStoreFactory(name="Boutique Casablanca", code="casablanca")
    for title, upc, price in (
        ("Huile d'argane cosmétique 100 ml", "6111245590013", "120.00"),
        ("Safran de Taliouine en pistils 1 g", "6111245590020", "95.00"),
    ):
        product = ProductFactory(title=title, upc=upc, stockrecords__price=price)
        StockRecordFactory(product=product, partner=store, price=price, num_in_stock=8)
    index_rebuild()
    return store


@pytest.fixture
def manager(store):
    return StoreManagerFactory(
        store=store, email="gerant@terroir.ma", first_name="Nadia"
    )


def log_in(page, base, email, password):
    page.goto(f"{base}/fr/shop/accounts/login/?next=/fr/store/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fr/store/casablanca/$"))


def test_a_counter_sale_and_a_return_by_keyboard(live_server, page, store, manager):
    drawer = drawer_session_open(
        store=store, opening_float=Decimal("300.00"), by=manager
    )
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page, live_server.url, manager.email, "terroir-client")

    # A scanner types the barcode into the focused box, then Enter.
    expect(page.locator("#id_code")).to_be_focused()
    page.keyboard.type("6111245590013")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sales/\d+/$"))
    assert "Huile d'argane" in page.locator(".counter-lines__title").inner_text()

    # F2 goes back to the search box; the list follows typing; ↓ Enter adds.
    page.keyboard.press("F2")
    page.keyboard.type("safarn")
    page.locator("#lookup-results li").first.wait_for()
    assert "Safran de Taliouine" in page.locator("#lookup-results").inner_text()
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".counter-lines tbody tr").count() == 2
    assert "215,00" in page.locator("[data-total]").inner_text()
    # The same sale on a phone: the lines fit, the page does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the sale scrolls {overflow} px sideways on a phone"
    page.set_viewport_size({"width": 1024, "height": 768})

    # F4 jumps to the payment; ↓ ↓ picks "cash and card" (split).
    page.keyboard.press("F4")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("input[name=method][value=split]").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("100")  # by card
    page.keyboard.press("Tab")
    page.keyboard.type("150")  # cash tendered for the 115.00 left
    assert "35,00" in page.locator("[data-change]").inner_text()
    page.keyboard.press("Tab")
    page.keyboard.type("TPE-0042")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    sale = CounterSale.objects.get()
    assert sale.status == CounterSale.Status.PLACED
    assert "35,00" in page.locator(".counter-done__change").inner_text()
    page.locator("#print-receipt").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    receipt = page.locator(".receipt").inner_text()
    assert sale.receipt_number in receipt
    assert "215,00" in receipt
    assert "TPE-0042" in receipt
    page.emulate_media(media="print")
    assert page.locator(".receipt-tools").is_hidden()
    page.emulate_media(media="screen")

    # The customer brings the saffron back: the manager finds the order by
    # its receipt number and refunds it in cash.
    page.goto(f"{live_server.url}/fr/store/casablanca/returns/")
    page.keyboard.type(sale.receipt_number)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    saffron = sale.order.lines.get(title__startswith="Safran")
    page.locator(f"#id_line-{saffron.pk}").focus()
    page.keyboard.type("1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The confirmation page: its button takes the focus, Enter confirms.
    confirm = page.locator("button[name=confirm]")
    expect(confirm).to_be_focused()
    assert "95,00" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    counter_return = CounterReturn.objects.get()
    assert counter_return.amount == Decimal("95.00")
    assert drawer_cash_expected(session=drawer) == Decimal("320.00")  # 300 + 115 − 95
    assert counter_return.receipt_number in page.content()
