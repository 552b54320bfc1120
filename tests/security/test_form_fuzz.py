"""Property-based: the basket and checkout forms, fed anything, answer a page
with a message, a redirect or a 4xx, never a 500.

Hypothesis draws each field from arbitrary text (RTL, NUL bytes, control
characters), numbers far beyond any column, overlong strings and the classic
hostile values; derandomized and bounded (FUZZ), so every run of `make test`
tries the same examples in a few seconds per form. Each example runs in a
rolled-back savepoint with the client's cookies put back: every one starts from
the same basket and checkout step.
"""

import copy
from html import escape

import pytest
from django.core.cache import caches
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oscar.core.loading import get_model
from oscar.test.factories import OptionFactory

from tests.security.walk import ARABIC, EVIL, HUGE, LONG, NUL
from tests.shop.checkout_journey import MOROCCAN_ADDRESS, page_text, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nul_refused")]

Option = get_model("catalogue", "Option")

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    # One basket and checkout step per test, examples rolled back in between.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What a careless or hostile shopper types; Hypothesis mixes them with its own.
HOSTILE = [
    "",
    " ",
    NUL,
    "%00",
    LONG,
    HUGE,
    f"-{HUGE}",
    "-1",
    "0",
    "1e309",
    "NaN",
    "²",
    "١٢٣",
    ARABIC,
    "\u202eelif.exe",  # right-to-left override
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    EVIL,
    "06 12 34 56 78",
    "a@b",
]
texts = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
# A formset's count: hostile, but not so big that Django builds its cap of
# 1,000 forms (slow by design, no error).
counts = st.one_of(
    st.sampled_from(["", "abc", "-1", NUL, "²", "1e309"]), st.integers(0, 5).map(str)
)


def submit(client, path, data):
    """POST in a rolled-back savepoint, cookies and rate-limit counters as they
    were, and check the answer is no server error."""
    cookies = copy.deepcopy(client.cookies)
    for cache in caches.all():
        cache.clear()
    try:
        with transaction.atomic():
            response = client.post(path, data)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    assert response.status_code < 500
    return response


def shows_again(response, typed: str) -> bool:
    """Whether a form re-shown with errors still holds what was typed."""
    return escape(typed) in page_text(response)


@pytest.fixture
def engraving(argan_oil):
    """The argan oil takes an optional engraving (a text option on the basket form)."""
    option = OptionFactory(name="Gravure", code="engraving", type=Option.TEXT)
    option.required = False
    option.save()
    argan_oil.get_product_class().options.add(option)
    return option


@pytest.fixture
def in_basket(shopper, argan_oil):
    shopper.add(argan_oil)
    return shopper


@pytest.fixture
def at_address(in_basket):
    in_basket.start_as_guest()
    return in_basket


@pytest.fixture
def at_delivery(at_address):
    at_address.address()
    return at_address


@pytest.fixture
def at_payment(at_delivery):
    at_delivery.ship_by("standard")
    return at_delivery


@FUZZ
@given(quantity=texts, engraving_text=texts)
@example(quantity=HUGE, engraving_text=LONG)
@example(quantity="²", engraving_text=NUL)
def test_the_add_to_basket_form_takes_anything(
    shopper, argan_oil, engraving, quantity, engraving_text
):
    """Any quantity or engraving: back to the page with a message."""
    response = submit(
        shopper.client,
        url("basket:add", pk=argan_oil.pk),
        {"quantity": quantity, "engraving": engraving_text},
    )
    assert response.status_code == 302


@FUZZ
@given(quantity=texts, total=counts, initial=counts, line_id=st.none() | texts)
@example(quantity=HUGE, total="1", initial="1", line_id=None)
# No quantity (the line is removed) and no management counts: Oscar read the
# minimum and maximum counts from the post (a 500).
@example(quantity="", total="1", initial="", line_id=None)
@example(quantity="-1", total="1", initial="1", line_id=HUGE)
def test_the_basket_quantities_take_anything(
    in_basket, argan_oil, quantity, total, initial, line_id
):
    """The basket's quantities formset, with any count, line and quantity
    (None: the basket's own line)."""
    line = in_basket.client.get(url("basket:summary")).context["basket"].all_lines()[0]
    response = submit(
        in_basket.client,
        url("basket:summary"),
        {
            "form-TOTAL_FORMS": total,
            "form-INITIAL_FORMS": initial,
            "form-0-id": str(line.pk) if line_id is None else line_id,
            "form-0-quantity": quantity,
        },
    )
    assert response.status_code in (200, 302)


@FUZZ
@given(code=texts)
@example(code=LONG)
@example(code=NUL)
def test_the_voucher_form_takes_anything(in_basket, code):
    """An unknown, overlong or garbled code: back to the basket with a message."""
    response = submit(in_basket.client, url("basket:vouchers-add"), {"code": code})
    assert response.status_code == 302


@FUZZ
@given(username=texts, options=texts, password=texts)
@example(username=NUL, options="existing", password=LONG)
@example(username="salma@example.ma", options="new", password="")
def test_the_checkout_sign_in_step_takes_anything(
    in_basket, username, options, password
):
    """The guest email / sign-in step of the checkout."""
    submit(
        in_basket.client,
        url("checkout:index"),
        {"username": username, "options": options, "password": password},
    )


@FUZZ
@given(
    # Each field typed right or anything: some addresses pass, notes and all.
    fields=st.fixed_dictionaries(
        {name: st.just(value) | texts for name, value in MOROCCAN_ADDRESS.items()}
    ),
    notes=texts,
)
@example(fields={**MOROCCAN_ADDRESS, "first_name": NUL, "postcode": HUGE}, notes=LONG)
@example(fields={**MOROCCAN_ADDRESS, "line1": ARABIC, "country": "XX"}, notes=NUL)
# A phone that parses as no number stayed text: the country check was a 500.
@example(fields={**MOROCCAN_ADDRESS, "phone_number": "%00"}, notes="")
def test_the_shipping_address_form_takes_anything(at_address, fields, notes):
    """Every field of the address, the delivery note too: the step again with
    what is wrong and what was typed, or the next step."""
    response = submit(
        at_address.client,
        url("checkout:shipping-address"),
        {**fields, "notes": notes},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert 'class="error-block"' in page_text(response)
        typed = fields["first_name"]
        if typed.isprintable() and typed.strip():
            assert shows_again(response, typed)


@FUZZ
@given(method_code=texts)
@example(method_code=NUL)
def test_the_delivery_choice_takes_anything(at_delivery, method_code):
    response = submit(
        at_delivery.client,
        url("checkout:shipping-method"),
        {"method_code": method_code},
    )
    assert response.status_code in (200, 302)


@FUZZ
@given(method=texts)
@example(method="card")
@example(method=NUL)
def test_the_payment_choice_takes_anything(at_payment, method):
    """Anything but an offered method: the choice again, with why."""
    response = submit(
        at_payment.client, url("checkout:payment-method"), {"method": method}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        page = page_text(response)
        assert (
            "This payment method is not available for your order." in page
            or "This field is required." in page
        )
