"""The header search box suggests as you type and is usable with the keyboard."""

import pytest

from search import services
from tests.factories import CooperativeFactory, ProductFactory


@pytest.fixture
def saffron(transactional_db):
    cooperative = CooperativeFactory(name="Coopérative Souktana du Safran")
    product = ProductFactory(title="Safran de Taliouine", cooperative=cooperative)
    ProductFactory(title="Huile d'argane alimentaire")
    services.index_rebuild()
    return product


def test_keyboard_choice_of_a_suggestion_opens_the_product(live_server, page, saffron):
    """Typing 'saf', pressing Down then Enter opens the saffron product page."""
    page.goto(f"{live_server.url}/fr/shop/search/")
    box = page.get_by_role("combobox")
    box.fill("saf")
    option = page.get_by_role("option", name="Safran de Taliouine")
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")
    page.wait_for_url(f"**{saffron.get_absolute_url()}")
    assert (
        "Safran de Taliouine" in page.title()
        or page.get_by_text("Safran de Taliouine").first.is_visible()
    )


def test_escape_closes_the_suggestions(live_server, page, saffron):
    """Escape hides the list and the box says it is collapsed; what was typed
    stays (a search box would empty itself); a second Escape clears it."""
    page.goto(f"{live_server.url}/fr/shop/search/")
    box = page.get_by_role("combobox")
    box.fill("huile")
    page.get_by_role("option", name="Huile d'argane alimentaire").wait_for()
    box.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "huile"
    box.press("Escape")
    assert box.input_value() == ""


@pytest.mark.parametrize("width", [390, 1280])
def test_suggestions_float_over_the_page(live_server, page, saffron, width):
    """The open list covers the page under the box, inside the window: the menu
    and the search button stay where they were."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/fr/shop/search/")
    button = page.get_by_role("button", name="Rechercher")
    before = button.bounding_box()
    box = page.get_by_role("combobox")
    box.fill("saf")
    page.get_by_role("option", name="Safran de Taliouine").wait_for()
    assert button.bounding_box() == before
    listbox = page.get_by_role("listbox").bounding_box()
    field = box.bounding_box()
    assert listbox["y"] >= field["y"] + field["height"]
    assert listbox["x"] >= 0
    assert listbox["x"] + listbox["width"] <= width
