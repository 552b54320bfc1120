"""Showcase pages in a real browser: axe-core, phone and desktop widths, RTL."""

from pathlib import Path

import pytest

from tests.cms.builders import showcase_tree

BASE_DIR = Path(__file__).resolve().parents[2]
AXE = BASE_DIR / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = BASE_DIR / "var" / "screenshots"
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}
BLOCKING = {"serious", "critical"}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def showcase(transactional_db):
    return showcase_tree()


TRANSLATED = [
    "home",
    "store_index",
    "store_page",
    "cooperative_index",
    "cooperative_page",
]


def page_paths(showcase, language):
    """Return the pages to check in one language (their translations in Arabic)."""
    if language == "ar":
        pages = {name: showcase.ar[name] for name in TRANSLATED}
    else:
        pages = {name: getattr(showcase, name) for name in [*TRANSLATED, "article"]}
    paths = {name: page.url for name, page in pages.items()}
    paths["basket"] = f"/{language}/shop/basket/"
    return paths


def axe_violations(tab) -> list[str]:
    """Run axe-core on the open page; describe each serious or critical violation."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make axe` (make test does).")
    # Evaluated, not added as a <script>: the Content-Security-Policy refuses
    # inline scripts without the page's nonce.
    tab.evaluate(AXE.read_text())
    result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_showcase_pages_are_accessible_at_phone_and_desktop_width(
    browser, live_server, showcase, language, device
):
    """Pages pass axe-core with no serious violation; screenshots kept for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[device], locale=language)
    tab = context.new_page()
    try:
        for name, path in page_paths(showcase, language).items():
            response = tab.goto(live_server.url + path)
            assert response.status == 200, path
            tab.screenshot(
                path=str(SCREENSHOTS / f"{name}-{language}-{device}.png"),
                full_page=True,
            )
            violations = axe_violations(tab)
            assert violations == [], f"{path}: " + "\n".join(violations)
    finally:
        context.close()


@pytest.mark.parametrize(("language", "brand_side"), [("fr", "left"), ("ar", "right")])
def test_arabic_layout_is_mirrored(
    browser, live_server, showcase, language, brand_side
):
    """In Arabic the page is right-to-left: the logo sits on the right."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale=language)
    tab = context.new_page()
    try:
        home = showcase.ar["home"] if language == "ar" else showcase.home
        tab.goto(live_server.url + home.url)
        assert tab.evaluate("() => document.documentElement.dir") == (
            "rtl" if language == "ar" else "ltr"
        )
        brand = tab.locator(".brand").bounding_box()
        centre = brand["x"] + brand["width"] / 2
        side = "left" if centre < VIEWPORTS["desktop"]["width"] / 2 else "right"
        assert side == brand_side
        heading_align = tab.evaluate(
            "() => getComputedStyle(document.querySelector('h1')).direction"
        )
        assert heading_align == ("rtl" if language == "ar" else "ltr")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_product_with_a_long_label_fits_a_phone(browser, live_server, language):
    """A quality label's full name wraps: the product page is no wider than the
    phone (it was 443–515 px on a 390 px screen)."""
    from tests.factories import CertificationFactory, ProductFactory

    product = ProductFactory(title="Huile d'argane alimentaire 250 ml")
    CertificationFactory(
        scheme="igp",
        name="Huile d'argane alimentaire de la coopérative Tafyoucht",
        products=[product],
    )
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale=language)
    tab = context.new_page()
    try:
        path = product.get_absolute_url().replace("/fr/", f"/{language}/", 1)
        assert tab.goto(live_server.url + path).status == 200
        assert tab.locator(".quality-labels .badge").first.is_visible()
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    finally:
        context.close()
