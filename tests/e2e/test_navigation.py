"""Header menu and listing filters in a real browser, at 390 and 1280 px, fr and ar.

On the demo data: the desktop menu is one row with a keyboard-reachable drop-down
per category; on a phone a menu button opens a drawer that Escape closes; the
category page's filters open in a drawer from "Filtrer (n)", chosen filters show
as removable chips, values without products are not links, and the first
product shows on the phone's first screen. Screenshots under var/screenshots/.
"""

import re

import pytest
from django.utils import translation

from search import services as search_services
from tests.e2e.test_pages import SCREENSHOTS, axe_violations
from tests.e2e.test_shop_layout import TOO_WIDE

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LOCALES = {"fr": "fr-FR", "ar": "ar-MA"}
IN_DRAWER = "document.getElementById('site-menu').contains(document.activeElement)"


def open_tab(browser, language, viewport):
    context = browser.new_context(locale=LOCALES[language], viewport=viewport)
    return context, context.new_page()


def shot(tab, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def category_with_children():
    from oscar.core.loading import get_model

    category = get_model("catalogue", "Category")
    return next(c for c in category.get_root_nodes() if c.get_children().exists())


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_header_menu_on_desktop_and_phone(
    live_server,
    browser,
    demo_product,
    language,
):
    base = live_server.url
    parent = category_with_children()
    with translation.override(language):
        child_url = parent.get_children()[0].get_absolute_url()
        name = parent.name

    context, tab = open_tab(browser, language, DESKTOP)
    try:
        tab.goto(f"{base}/{language}/")
        shot(tab, f"nav-{language}-1280-home")
        items = tab.locator(".main-menu__list > li:visible")
        tops = {round(box["y"]) for box in (i.bounding_box() for i in items.all())}
        assert len(tops) == 1, f"menu on {len(tops)} rows"
        brand = tab.locator(".brand").bounding_box()
        search = tab.locator(".site-search__input").bounding_box()
        assert (
            abs(brand["y"] + brand["height"] / 2 - search["y"] - search["height"] / 2)
            < 12
        )
        assert search["width"] > 500, "the search box is squeezed"

        # Keyboard only: Tab to the category, Enter opens its sub-categories.
        summary = tab.locator(".main-menu summary", has_text=name).first
        summary.focus()
        tab.keyboard.press("Enter")
        sublink = tab.locator(f".main-menu a[href='{child_url}']").first
        assert sublink.is_visible()
        shot(tab, f"nav-{language}-1280-dropdown")
        tab.keyboard.press("Tab")
        tab.keyboard.press("Tab")
        focused = tab.evaluate("document.activeElement.getAttribute('href')")
        assert focused == child_url
        tab.keyboard.press("Escape")
        assert not sublink.is_visible()
        assert tab.evaluate("document.activeElement.tagName") == "SUMMARY"
        assert tab.evaluate(TOO_WIDE) == []
    finally:
        context.close()

    context, tab = open_tab(browser, language, PHONE)
    try:
        tab.goto(f"{base}/{language}/")
        drawer = tab.locator("#site-menu")
        assert not drawer.is_visible()
        assert tab.evaluate(TOO_WIDE) == []
        shot(tab, f"nav-{language}-390-home")
        toggle = tab.locator(".menu-toggle")
        toggle.click()
        assert drawer.is_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert tab.evaluate(
            "document.getElementById('site-menu').contains(document.activeElement)"
        )
        for _ in range(40):  # focus stays in the open drawer
            tab.keyboard.press("Tab")
            assert tab.evaluate(IN_DRAWER)
        tab.locator("#site-menu summary", has_text=name).first.click()
        assert tab.locator(f"#site-menu a[href='{child_url}']").first.is_visible()
        shot(tab, f"nav-{language}-390-drawer")
        assert tab.evaluate(TOO_WIDE) == []
        tab.keyboard.press("Escape")
        assert not drawer.is_visible()
        assert tab.evaluate("document.activeElement.classList.contains('menu-toggle')")
    finally:
        context.close()


def test_the_menu_drawer_opens_without_javascript(
    live_server,
    browser,
    demo_product,
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(f"{live_server.url}/fr/")
        assert not tab.locator("#site-menu").is_visible()
        tab.locator(".menu-toggle").click()
        assert tab.locator("#site-menu").is_visible()
        tab.locator("#site-menu [data-drawer-close]").first.click()
        assert not tab.locator("#site-menu").is_visible()
    finally:
        context.close()


# The classes of a card's parts, but for the optional ones (labels, wholesale offer).
CARD_SHAPE = """() => [...document.querySelectorAll('.product-card')].slice(0, 4).map(
    (card) => [...card.querySelectorAll('*')].map((el) => el.className).filter(Boolean)
        .filter((name) => typeof name === 'string' && !name.includes('wholesale'))
        .filter((name) => !name.includes('label'))
        .map((name) => name.replace(/ ?availability--\\w+/, '')).join('|'))"""


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_category_filters_on_phone_and_desktop(
    live_server,
    browser,
    demo_product,
    language,
):
    search_services.index_rebuild()
    base = live_server.url
    with translation.override(language):
        category_url = demo_product.categories.all()[0].get_absolute_url()

    context, tab = open_tab(browser, language, PHONE)
    try:
        tab.goto(base + category_url)
        filters = tab.locator("#filters")
        assert not filters.is_visible()
        first_card = tab.locator(".product-card").first.bounding_box()
        assert first_card["y"] < PHONE["height"] - 100, "first product below the fold"
        cards = tab.locator(".product-grid > li")
        row = [cards.nth(0).bounding_box(), cards.nth(1).bounding_box()]
        assert round(row[0]["y"]) == round(row[1]["y"]), "not two cards per row"
        assert tab.evaluate(TOO_WIDE) == []
        shot(tab, f"listing-{language}-390-category")

        toggle = tab.locator(".filters-toggle")
        assert re.fullmatch(r"(Filtrer|تصفية)", toggle.inner_text().strip())
        toggle.click()
        assert filters.is_visible()
        shot(tab, f"listing-{language}-390-filters")
        value = filters.locator(".facet__value:not(.facet__value--selected) a").first
        label = value.locator(".facet__label").inner_text().strip()
        value.click()
        tab.wait_for_load_state("networkidle")
        assert "(1)" in tab.locator(".filters-toggle").inner_text()
        chips = tab.locator(".chips .chip")
        assert chips.count() == 1
        assert label in chips.first.inner_text()
        assert tab.locator(".chips__clear").is_visible()
        shot(tab, f"listing-{language}-390-chips")

        # A second filter, then "clear all" takes both away.
        tab.locator(".filters-toggle").click()
        filters.locator(
            ".facet:not(:has(.facet__value--selected)) .facet__value a"
        ).first.click()
        tab.wait_for_load_state("networkidle")
        assert "(2)" in tab.locator(".filters-toggle").inner_text()
        tab.locator(".chips__clear").click()
        tab.wait_for_load_state("networkidle")
        assert tab.locator(".chips").count() == 0
        assert tab.locator(".filters-toggle").inner_text().strip() in {
            "Filtrer",
            "تصفية",
        }
        assert tab.evaluate(TOO_WIDE) == []
    finally:
        context.close()

    context, tab = open_tab(browser, language, DESKTOP)
    try:
        tab.goto(base + category_url)
        assert tab.locator("#filters").is_visible()
        assert not tab.locator(".filters-toggle").is_visible()
        # A value that would list nothing is shown, not linked.
        empty = tab.locator(".facet__value--empty")
        if empty.count():
            assert empty.first.locator("a").count() == 0
        assert (
            tab.locator(".facet__value:has(.facet__count:text-is('0')) a").count() == 0
        )
        shot(tab, f"listing-{language}-1280-category")
        assert tab.evaluate(TOO_WIDE) == []
        violations = axe_violations(tab)
        assert violations == [], "\n".join(violations)
        category_shape = tab.evaluate(CARD_SHAPE)

        tab.goto(f"{base}/{language}/")
        home_shape = tab.evaluate(CARD_SHAPE)
        assert home_shape, "no product card on the home page"
        assert home_shape[0] == category_shape[0], "home and category cards differ"
    finally:
        context.close()
