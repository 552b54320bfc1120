"""The basket page in a real browser."""

import pytest

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_quantity_box_shows_its_number(live_server, page, width):
    """Two-digit quantities are readable beside the update button, on a phone
    and on a desktop."""
    product = ProductFactory(title="Miel de thym 250 g", stockrecords__num_in_stock=50)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/fr{product.get_absolute_url()[3:]}")
    with page.expect_navigation():
        page.locator("form[action*='/basket/add/'] [type=submit]").first.click()
    page.goto(f"{live_server.url}/fr/shop/basket/")
    box = page.locator("input[name$='-quantity']").first
    box.fill("12")
    room = box.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return el.clientWidth - parseFloat(s.paddingLeft)"
        " - parseFloat(s.paddingRight); }"
    )
    text = box.evaluate(
        "el => { const c = document.createElement('canvas').getContext('2d');"
        " c.font = getComputedStyle(el).font; return c.measureText('12').width; }"
    )
    assert room >= text, (room, text)
