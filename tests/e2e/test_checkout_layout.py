"""The checkout's last pages laid out without boxes on top of each other."""

import re

import pytest

from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.e2e.test_checkout import checkout_to_delivery
from tests.factories import PilotStoreFactory, ProductFactory, StockRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Boxes a shopper reads: none may cover another (a box may hold another).
BOXES = ".card, table, .btn, h2, h3, address, #collect-store, #payment-method"

OVERLAPS = """(selector) => {
    const boxes = [...document.querySelectorAll(selector)]
        .filter((el) => el.offsetParent !== null)
        .map((el) => [el, el.getBoundingClientRect()]);
    const found = [];
    for (const [a, ra] of boxes) {
        for (const [b, rb] of boxes) {
            if (a === b || a.contains(b) || b.contains(a)) continue;
            const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
            const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
            if (x > 1 && y > 1 && a.compareDocumentPosition(b) & 4) {
                const name = (el) => el.tagName + (el.id ? "#" + el.id : "")
                    + " " + el.textContent.trim().slice(0, 30);
                found.push(name(a) + " / " + name(b));
            }
        }
    }
    return found;
}"""


@pytest.fixture
def amlou(transactional_db):
    """Amlou on the shelves of the Casablanca pilot store."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    product = ProductFactory(title="Amlou aux amandes 250 g")
    store = PilotStoreFactory(name="Boutique Terroir Casablanca", city="Casablanca")
    StockRecordFactory(product=product, partner=store, num_in_stock=10)
    return product, store


@pytest.mark.parametrize("width", [390, 1280])
def test_click_and_collect_review_and_confirmation_keep_their_boxes_apart(
    live_server, page, amlou, width
):
    product, store = amlou
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    checkout_to_delivery(page, base, product, "retrait@example.ma")
    page.locator(
        f"form:has(input[name=method_code][value=click-collect-{store.pk}]) "
        "[type=submit]"
    ).click()
    page.check("input[name=method][value=pay_at_pickup]")
    page.click("#choose-payment")
    page.wait_for_url(re.compile(r"/checkout/preview/"))
    assert page.evaluate(OVERLAPS, BOXES) == []

    page.click("#place-order")
    page.wait_for_url(re.compile(r"/checkout/thank-you/"))
    assert page.locator("#collect-store").is_visible()
    assert page.evaluate(OVERLAPS, BOXES) == []
