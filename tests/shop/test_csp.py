"""Content-Security-Policy and Permissions-Policy on shop, dashboard and error pages.

Scripts run only from the site, from Stripe.js's origin or inline with the
request's nonce: a script slipped into a staff text does not run.
"""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import path, reverse
from oscar.test.factories import UserFactory

from shop import urls as shop_urls
from tests.cms.builders import showcase_tree
from tests.factories import OfficeStaffFactory, ProductFactory

pytestmark = pytest.mark.django_db

# <script> types a browser runs; data blocks (JSON, JSON-LD) run nothing.
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


class _PageScripts(HTMLParser):
    """Collect the nonces of inline scripts and any inline event handler."""

    def __init__(self):
        super().__init__()
        self.inline_nonces = []
        self.handlers = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]
        runs = (attrs.get("type") or "").lower() in SCRIPT_TYPES
        if tag == "script" and "src" not in attrs and runs:
            self.inline_nonces.append(attrs.get("nonce"))


def page_scripts(response) -> _PageScripts:
    parser = _PageScripts()
    parser.feed(response.content.decode())
    return parser


def policy(response) -> dict[str, list[str]]:
    """The enforced Content-Security-Policy, directive by directive."""
    assert "Content-Security-Policy-Report-Only" not in response
    header = response["Content-Security-Policy"]
    return {
        name: values for name, *values in (part.split() for part in header.split(";"))
    }


def header_nonce(response) -> str | None:
    nonces = [
        source[len("'nonce-") : -1]
        for source in policy(response)["script-src"]
        if source.startswith("'nonce-")
    ]
    return nonces[0] if nonces else None


def assert_scripts_only_with_the_nonce(response):
    """Every inline script carries the header's nonce; no inline handler is left."""
    scripts = page_scripts(response)
    assert "'unsafe-inline'" not in policy(response)["script-src"]
    assert scripts.handlers == []
    assert scripts.inline_nonces, "the page has no inline script to check"
    assert set(scripts.inline_nonces) == {header_nonce(response)}


@pytest.fixture
def shopper_with_a_basket(shopper, argan_oil):
    shopper.add(argan_oil)
    return shopper


def test_shop_pages_run_inline_scripts_only_with_the_requests_nonce(
    client, shopper_with_a_basket, argan_oil
):
    """Home, category, product and basket pages: scripts need the nonce."""
    showcase_tree()
    category = argan_oil.get_categories().first()
    for url in (
        "/fr/",
        category.get_absolute_url(),
        argan_oil.get_absolute_url(),
        reverse("basket:summary"),
        reverse("search:search") + "?q=argane",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_scripts_only_with_the_nonce(response)


def test_checkout_pages_run_inline_scripts_only_with_the_nonce_and_load_stripe(
    shopper_with_a_basket, settings
):
    """Each checkout step up to the thank-you page is covered, and the card
    preview loads Stripe.js from the origin configured in settings."""
    settings.STRIPE_API_BASE = "http://stripe.example.test:12111"
    shopper = shopper_with_a_basket
    client = shopper.client
    pages = [client.get(reverse("checkout:index"))]
    shopper.start_as_guest()
    pages.append(client.get(reverse("checkout:shipping-address")))
    shopper.address()
    pages.append(shopper.shipping_page())
    shopper.ship_by("standard")
    pages.append(client.get(reverse("checkout:payment-method")))
    shopper.pay_by("card")
    preview = client.get(reverse("checkout:preview"))
    pages.append(preview)
    shopper.pay_by("cash_on_delivery")
    thank_you = shopper.place()
    pages.append(thank_you)

    assert thank_you.redirect_chain[-1][0].endswith(reverse("checkout:thank-you"))
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert_scripts_only_with_the_nonce(response)
    assert (
        'src="http://stripe.example.test:12111/js.stripe.com/v3/"'
        in preview.content.decode()
    )
    directives = policy(preview)
    for directive in ("script-src", "frame-src", "connect-src"):
        assert "http://stripe.example.test:12111" in directives[directive]


def test_stripe_js_comes_from_stripe_when_no_local_api_is_configured(client, settings):
    """In production Stripe.js, its frames and its API calls are allowed."""
    settings.STRIPE_API_BASE = ""

    directives = policy(client.get(reverse("basket:summary")))

    assert "https://js.stripe.com" in directives["script-src"]
    assert "https://hooks.stripe.com" in directives["frame-src"]
    assert "https://api.stripe.com" in directives["connect-src"]
    assert "http://127.0.0.1" not in " ".join(directives["script-src"])


def test_the_policy_refuses_plugins_foreign_forms_and_framing(client):
    directives = policy(client.get(reverse("basket:summary")))

    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    "url_name",
    [
        "dashboard:index",
        "dashboard:catalogue-product-list",
        "dashboard:catalogue-category-create",
        "dashboard:catalogue-class-create",
        "dashboard:cooperative-create",
    ],
)
def test_dashboard_pages_run_inline_scripts_only_with_the_nonce(client, url_name):
    client.force_login(OfficeStaffFactory())

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert_scripts_only_with_the_nonce(response)


def test_dashboard_product_form_with_photos_has_no_inline_handler(client):
    """The photo widget's preview works through page-actions.js, not onload=."""
    client.force_login(OfficeStaffFactory())
    product = ProductFactory()

    response = client.get(
        reverse("dashboard:catalogue-product", kwargs={"pk": product.pk})
    )

    assert response.status_code == 200
    assert "data-image-preview" in response.content.decode()
    assert_scripts_only_with_the_nonce(response)


def test_wagtail_admin_has_its_own_policy(client):
    """Wagtail's admin writes inline scripts without a nonce: its pages keep a
    policy (no plugins, no foreign forms) that lets them run."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("wagtailadmin_home"))

    directives = policy(response)
    assert response.status_code == 200
    assert "'unsafe-inline'" in directives["script-src"]
    assert not any(source.startswith("'nonce-") for source in directives["script-src"])
    assert directives["object-src"] == ["'none'"]


def failing_view(request):
    raise RuntimeError("the search engine went away")


urlpatterns = [path("boom/", failing_view), *shop_urls.urlpatterns]


@pytest.mark.urls(__name__)
def test_error_pages_carry_the_policies():
    """A missing page, a refused page and a failure are protected too."""
    client = Client(raise_request_exception=False)
    customer = UserFactory()
    refused_client = Client()
    refused_client.force_login(customer)

    missing = client.get("/fr/shop/catalogue/produit-disparu_99999/")
    refused = refused_client.get("/fr/store/")
    failure = client.get("/boom/")

    assert (missing.status_code, refused.status_code, failure.status_code) == (
        404,
        403,
        500,
    )
    for response in (missing, refused, failure):
        assert "'unsafe-inline'" not in policy(response)["script-src"]
        assert "camera=()" in response["Permissions-Policy"]
    assert_scripts_only_with_the_nonce(missing)
    assert_scripts_only_with_the_nonce(refused)


def test_permissions_policy_turns_off_devices_and_keeps_payment_for_stripe(
    client, settings
):
    settings.STRIPE_API_BASE = ""

    header = client.get(reverse("basket:summary"))["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "usb"):
        assert f"{feature}=()" in header
    assert 'payment=(self "https://js.stripe.com")' in header


def test_a_page_from_the_page_cache_gets_the_policy_with_a_fresh_nonce(settings):
    """The second cookie-less visitor of the home page gets the cached copy, with
    the header and a nonce of its own in both the header and the page."""
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    showcase_tree()

    first = Client().get("/fr/")
    second = Client().get("/fr/")

    assert second["X-Page-Cache"] == "hit"
    assert_scripts_only_with_the_nonce(second)
    assert header_nonce(second) != header_nonce(first)
