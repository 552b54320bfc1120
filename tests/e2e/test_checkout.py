"""A shopper in a real browser buys demo products by card and by cash on delivery."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def checkout_to_delivery(page, base, product, email):
    """A guest with the product in the basket, up to choosing the delivery."""
    page.goto(f"{base}/en/shop/catalogue/{product.slug}_{product.pk}/")
    page.locator("form[action*='/basket/add/'] [type=submit]").first.click()
    page.goto(f"{base}/en/shop/checkout/")
    page.fill("#id_username", email)
    page.check("input[name=options][value=anonymous]")
    page.locator("form:has(#id_username) [type=submit]").click()
    deliver_to_casablanca(page)


def deliver_to_casablanca(page):
    """Fill the address step with a Casablanca home address and go on."""
    page.fill("#id_first_name", "Salma")
    page.fill("#id_last_name", "Bennani")
    page.fill("#id_line1", "12 rue Tarik Ibn Ziad")
    page.fill("#id_line4", "Casablanca")
    page.fill("#id_postcode", "20000")
    page.select_option("#id_country", "MA")
    page.fill("#id_phone_number", "06 12 34 56 78")
    page.locator("form:has(#id_line1) [type=submit]").click()


def checkout_to_payment(page, base, product, email):
    checkout_to_delivery(page, base, product, email)
    page.locator(
        "form:has(input[name=method_code][value=standard]) [type=submit]"
    ).click()


def pay_by_card(page, number):
    page.check("input[name=method][value=card]")
    page.click("#choose-payment")
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("20000")
    page.click("#place-order")


def test_card_then_cash_on_delivery_checkout(
    page, live_server, local_stripe, demo_product
):
    """Card via localstripe's fake Stripe.js, then cash on delivery: two orders."""
    base = live_server.url

    checkout_to_payment(page, base, demo_product, "carte@example.ma")
    pay_by_card(page, "4242424242424242")
    page.wait_for_url(re.compile(r"/checkout/thank-you/"))
    assert "Your order has been placed" in page.content()
    assert "Card" in page.locator("#payment-method").inner_text()

    page.context.clear_cookies()
    checkout_to_payment(page, base, demo_product, "cash@example.ma")
    page.check("input[name=method][value=cash_on_delivery]")
    page.click("#choose-payment")
    assert "Cash on delivery fee" in page.content()
    page.click("#place-order")
    page.wait_for_url(re.compile(r"/checkout/thank-you/"))
    assert "Cash on delivery" in page.locator("#payment-method").inner_text()

    from oscar.apps.order.models import Order

    # The demo data also holds the pilot stores' counter sales.
    methods = sorted(
        Order.objects.filter(origin__channel="online").values_list(
            "checkout_payment__method", flat=True
        )
    )
    assert methods == ["card", "cash_on_delivery"]


def test_card_with_three_d_secure(page, live_server, local_stripe, demo_product):
    """The bank's 3-D Secure step (localstripe's modal) then the confirmation."""
    checkout_to_payment(page, live_server.url, demo_product, "3ds@example.ma")
    pay_by_card(page, "4000002760003184")
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(re.compile(r"/checkout/thank-you/"))
    assert "Your order has been placed" in page.content()
