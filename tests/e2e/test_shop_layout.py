"""Every shop page a buyer walks through, laid out for a phone and a desktop.

On the demo data, in French and in Arabic (right-to-left), at 390 and 1280 px:
home, category, product, search, basket, each checkout step and the
confirmation. Nothing is wider than the screen, no two content boxes cover each
other and the basket quantity shows its whole value. A screenshot of each page
is written under var/screenshots/ for a human to look at.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from search import local_engine
from search import services as search_services
from tests.e2e.test_checkout import deliver_to_casablanca
from tests.e2e.test_checkout_layout import OVERLAPS
from tests.e2e.test_pages import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280)

# Content boxes a shopper reads or uses: none may cover another (one may hold another).
BOXES = (
    "article, .card, table, h1, h2, h3, address, img, "
    ".btn, button, input:not([type=hidden]), select, textarea"
)

# Elements sticking out of the screen, except those inside a box that scrolls or
# clips them on purpose (a carousel, a visually hidden skip link).
TOO_WIDE = """() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el) => {
        for (let node = el.parentElement; node; node = node.parentElement) {
            const style = getComputedStyle(node);
            if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) {
                return node !== document.body && node !== document.documentElement;
            }
        }
        return false;
    };
    const found = [];
    for (const el of document.body.querySelectorAll("*")) {
        const fixed = getComputedStyle(el).position === "fixed";
        if (el.offsetParent === null && !fixed) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height <= 1) continue;
        if ((box.right > width + 1 || box.left < -1) && !clipped(el)) {
            found.push(el.tagName + "." + [...el.classList].join(".")
                + " " + Math.round(box.left) + "→" + Math.round(box.right));
        }
    }
    if (document.documentElement.scrollWidth > width + 1) {
        found.push("page scrolls sideways: " + document.documentElement.scrollWidth);
    }
    return found.slice(0, 10);
}"""

QUANTITY_CUT = """() => [...document.querySelectorAll("input[name$='quantity']")]
    .filter((input) => input.scrollWidth > input.clientWidth + 1)
    .map((input) => input.name + "=" + input.value)"""


def check_layout(tab, language, width, name, problems):
    """Screenshot the open page and note what a shopper would see broken."""
    tab.wait_for_load_state("networkidle")
    tab.screenshot(
        path=str(SCREENSHOTS / f"shop-{language}-{width}-{name}.png"), full_page=True
    )
    for kind, found in (
        ("wider than the screen", tab.evaluate(TOO_WIDE)),
        ("boxes overlap", tab.evaluate(OVERLAPS, BOXES)),
        ("quantity cut", tab.evaluate(QUANTITY_CUT)),
    ):
        if found:
            problems.append(f"{language} {width}px {name} ({tab.url}): {kind}: {found}")


def walk(tab, base, language, width, product, problems):
    """Browse, search, fill the basket and buy as a guest, checking every page."""
    with translation.override(language):
        category_url = product.categories.all()[0].get_absolute_url()
        product_url = product.get_absolute_url()
        search_url = reverse("search:search")
    pages = {
        "home": f"/{language}/",
        "category": category_url,
        "product": product_url,
        "search": f"{search_url}?q=argan",
    }
    for name, path in pages.items():
        response = tab.goto(base + path)
        assert response.status == 200, path
        check_layout(tab, language, width, name, problems)

    tab.goto(base + product_url)
    tab.locator("form[action*='/basket/add/'] [type=submit]").first.click()
    tab.goto(f"{base}/{language}/shop/basket/")
    check_layout(tab, language, width, "basket", problems)

    tab.goto(f"{base}/{language}/shop/checkout/")
    check_layout(tab, language, width, "checkout-1-gateway", problems)
    tab.fill("#id_username", f"layout-{language}-{width}@example.ma")
    tab.check("input[name=options][value=anonymous]")
    tab.locator("form:has(#id_username) [type=submit]").click()
    tab.wait_for_url(re.compile(r"/checkout/shipping-address/"))
    check_layout(tab, language, width, "checkout-2-address", problems)
    deliver_to_casablanca(tab)
    tab.wait_for_url(re.compile(r"/checkout/shipping-method/"))
    check_layout(tab, language, width, "checkout-3-delivery", problems)
    tab.locator(
        "form:has(input[name=method_code][value=standard]) [type=submit]"
    ).click()
    tab.wait_for_url(re.compile(r"/checkout/payment-method/"))
    check_layout(tab, language, width, "checkout-4-payment", problems)
    tab.check("input[name=method][value=cash_on_delivery]")
    tab.click("#choose-payment")
    tab.wait_for_url(re.compile(r"/checkout/preview/"))
    check_layout(tab, language, width, "checkout-5-review", problems)
    tab.click("#place-order")
    tab.wait_for_url(re.compile(r"/checkout/thank-you/"))
    check_layout(tab, language, width, "checkout-6-confirmation", problems)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_shop_page_fits_phone_and_desktop(
    live_server,
    browser,
    demo_product,
    language,
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    search_services.index_rebuild()
    problems = []
    for width in WIDTHS:
        context = browser.new_context(
            locale="ar-MA" if language == "ar" else "fr-FR",
            viewport={"width": width, "height": 900},
        )
        try:
            tab = context.new_page()
            walk(tab, live_server.url, language, width, demo_product, problems)
        finally:
            context.close()
    assert problems == []


def test_category_without_the_search_engine_keeps_full_width_cards(
    live_server,
    page,
    demo_product,
    settings,
):
    """With the engine stopped the listing has no filters: the cards take the
    page's width instead of squeezing into the empty filters column."""
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{local_engine.free_port()}"
    page.set_viewport_size({"width": 1280, "height": 900})
    with translation.override("fr"):
        url = demo_product.categories.all()[0].get_absolute_url()

    page.goto(live_server.url + url)

    widths = page.eval_on_selector_all(
        "article.product-card", "cards => cards.map(c => c.offsetWidth)"
    )
    assert widths
    assert min(widths) >= 180, widths
