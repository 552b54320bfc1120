"""In a real browser the Content-Security-Policy refuses nothing the site itself
runs: shop pages, a card payment through Stripe.js with 3-D Secure, the
dashboard's editors and the Wagtail admin."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure
from tests.cms.builders import showcase_tree
from tests.e2e.test_checkout import checkout_to_payment, pay_by_card
from tests.factories import OfficeStaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def refusals(page):
    """What the browser refused under the policy, and script errors."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(f"{page.url}: {error}"))
    return seen


def test_shop_checkout_dashboard_and_cms_run_under_their_policies(
    page, live_server, local_stripe, refusals
):
    """A shopper pays by card with 3-D Secure, then office staff open the
    dashboard's product and category editors and a page in the Wagtail admin."""
    shipping_countries_ensure()
    cold_chain_cities_ensure()
    showcase = showcase_tree()
    product = showcase.product
    staff = OfficeStaffFactory()
    base = live_server.url

    for path in (
        "/fr/",
        product.get_categories().first().get_absolute_url(),
        product.get_absolute_url(),
    ):
        page.goto(f"{base}{path}")  # waits for the load event: scripts have run
    checkout_to_payment(page, base, product, "csp@example.ma")
    pay_by_card(page, "4000002760003184")
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(re.compile(r"/checkout/thank-you/"))
    assert refusals == []

    page.context.clear_cookies()
    page.goto(f"{base}/fr/shop/accounts/login/")
    page.fill("#id_login-username", staff.email)
    page.fill("#id_login-password", "terroir-office")
    page.locator("form:has(#id_login-username) [type=submit]").click()
    with translation.override("fr"):
        paths = [
            reverse("dashboard:index"),
            reverse("dashboard:catalogue-product", kwargs={"pk": product.pk}),
            reverse("dashboard:catalogue-category-create"),
        ]
    for path in paths:
        page.goto(f"{base}{path}")
    page.locator(".tox-tinymce").first.wait_for()  # the rich-text editor started
    page.goto(f"{base}{reverse('wagtailadmin_pages:edit', args=[showcase.home.pk])}")
    page.locator(".Draftail-Editor").first.wait_for()
    assert refusals == []

    # On a phone the order list scrolls inside its own box, not the page.
    page.set_viewport_size({"width": 390, "height": 844})
    with translation.override("fr"):
        page.goto(f"{base}{reverse('dashboard:order-list')}")
    assert page.locator("table tbody tr").count() == 1
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the order list scrolls {overflow} px sideways"
