"""The 500s the URL walk found (tests/security/test_url_walk.py), one test each:
the visitor gets a page, a 404 or a message instead."""

import json

import pytest
from django.contrib.flatpages.models import FlatPage
from django.db import connection
from django.test import Client
from oscar.core.loading import get_model
from oscar.test.factories import (
    ConditionalOfferFactory,
    ProductAlertFactory,
    RangeFactory,
    create_basket,
    create_order,
)

from tests.factories import CategoryFactory, CustomerFactory
from tests.security.walk import HUGE
from tests.shop.checkout_journey import page_text, url

pytestmark = pytest.mark.django_db

WishList = get_model("wishlists", "WishList")


@pytest.fixture
def customer_client(customer):
    client = Client()
    client.force_login(customer)
    return client


@pytest.fixture
def staff(office):
    client = Client()
    client.force_login(office)
    return client


def test_a_next_that_is_no_address_goes_to_the_default_page(
    customer_client, customer, argan_oil
):
    """Cancelling an alert with `next=abc` lands on the product (redirect()
    took the word for a URL name: a 500)."""
    alert = ProductAlertFactory(product=argan_oil, user=customer)

    response = customer_client.post(
        url("customer:alerts-cancel-by-pk", pk=alert.pk), {"next": "abc"}
    )

    assert response.status_code == 302
    assert response["Location"] == argan_oil.get_absolute_url()


@pytest.mark.parametrize("path", ["reviews/", "reviews/1/"])
def test_reviews_of_a_product_id_beyond_any_row_are_not_found(client, argan_oil, path):
    """A product id too big for the database answers 404, not a 500."""
    response = client.get(f"/en/shop/catalogue/{argan_oil.slug}_{HUGE}/{path}")

    assert response.status_code == 404


def test_a_review_missing_its_title_comes_back_with_its_stars(
    customer_client, customer, argan_oil, english
):
    """The form shows what is missing and keeps the chosen score (drawing the
    score's stars from the posted text was a 500)."""
    basket = create_basket(empty=True)
    basket.add_product(argan_oil)
    create_order(basket=basket, user=customer)

    response = customer_client.post(
        url(
            "catalogue:reviews-add",
            product_slug=argan_oil.slug,
            product_pk=argan_oil.pk,
        ),
        {"score": "4", "title": "", "body": "Parfumée et douce."},
    )

    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    assert 'value="4" selected' in page_text(response)


def test_a_wish_list_for_a_product_that_is_gone_is_a_plain_new_list(
    customer_client, english
):
    """Oscar's redirect named no namespace (a 500): the new-list form instead."""
    response = customer_client.get(
        url("customer:wishlists-create-with-product", product_pk=0), follow=True
    )

    assert response.status_code == 200
    assert "The requested product no longer exists" in page_text(response)


def test_removing_a_product_id_beyond_any_row_from_a_wish_list_is_not_found(
    customer_client, customer
):
    wish_list = WishList.objects.create(owner=customer, name="Cadeaux")

    response = customer_client.post(
        f"/en/shop/accounts/wishlists/{wish_list.key}/products/{HUGE}/delete/"
    )

    assert response.status_code == 404


def test_a_category_saved_without_a_name_shows_the_form_again(staff, english):
    """The page's "View on site" link used the emptied slug (a 500)."""
    category = CategoryFactory(name="Huiles")

    response = staff.post(url("dashboard:catalogue-category-update", pk=category.pk))

    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    assert f'href="{category.get_absolute_url()}"' in page_text(response)


@pytest.mark.parametrize("pk", ["abc", "²", HUGE])
@pytest.mark.parametrize("action", ["update", "delete"])
def test_a_flat_page_id_that_is_no_number_is_not_found(staff, pk, action):
    FlatPage.objects.create(url="/conditions/", title="Conditions")

    response = staff.get(f"/en/shop/dashboard/pages/{action}/{pk}/")

    assert response.status_code == 404


def test_offer_restrictions_with_a_bad_date_say_so(staff, english):
    """Oscar's check read the date that had failed (a 500)."""
    offer = ConditionalOfferFactory()

    response = staff.post(
        url("dashboard:offer-restrictions", pk=offer.pk),
        {"start_datetime": "abc", "priority": "0"},
    )

    assert response.status_code == 200
    assert "Enter a valid date/time." in page_text(response)


def test_a_post_to_an_offer_page_without_an_action_shows_the_page(staff):
    """Neither suspend nor reinstate: Oscar answered nothing (a 500)."""
    offer = ConditionalOfferFactory()
    page = url("dashboard:offer-detail", pk=offer.pk)

    response = staff.post(page)

    assert response.status_code == 302
    assert response["Location"] == page


def test_choosing_a_category_id_beyond_any_row_is_an_invalid_choice(staff, english):
    """A form choosing several rows by id (here a range's categories) refuses
    an id too big for the database (SQLite raised OverflowError: a 500)."""
    product_range = RangeFactory()

    response = staff.post(
        url("dashboard:range-update", pk=product_range.pk),
        {"name": "Huiles", "included_categories": HUGE},
    )

    assert response.status_code == 200
    assert f"Select a valid choice. {HUGE} is not one of" in page_text(response)


@pytest.mark.parametrize("page", ["-1", "0", "abc", HUGE])
def test_the_product_picker_answers_any_page_number(staff, argan_oil, page):
    response = staff.get(
        url("dashboard:catalogue-product-lookup"), {"page": page, "q": "argane"}
    )

    assert response.status_code == 200
    assert "results" in json.loads(response.content)


def test_a_page_number_in_superscript_is_no_page(client, english):
    """ "²" passes str.isdigit() but not int(): the canonical link (a 500)
    stays the page itself, the sitemap page is not found."""
    response = client.get(url("password-reset-done"), {"page": "²"})

    assert response.status_code == 200
    assert 'rel="canonical"' in page_text(response)
    assert client.get("/sitemap-products.xml", {"p": "²"}).status_code == 404


@pytest.mark.parametrize("address_id", ["²", HUGE])
def test_shipping_to_a_superscript_or_huge_address_id_is_refused(
    shopper, argan_oil, address_id
):
    shopper.client.force_login(CustomerFactory())
    shopper.add(argan_oil)

    response = shopper.client.post(
        url("checkout:shipping-address"),
        {"action": "ship_to", "address_id": address_id},
        follow=True,
    )

    assert response.status_code == 200
    assert "This address is not in your address book." in page_text(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("chosen/abc/", 404),
        ("chosen/²/", 404),
        (f"chosen/{HUGE}/", 404),
        (f"chosen-multiple/?id={HUGE}&id=abc", 200),
    ],
)
def test_the_product_chooser_finds_no_product_for_an_id_that_names_none(
    staff, path, status
):
    """Editors' product picker in the CMS: the lookup raised (a 500). (A 404
    outside the language prefix goes through LocaleMiddleware's redirect.)"""
    response = staff.get(f"/cms/product_chooser/{path}", follow=True)

    assert response.status_code == status


def test_the_choosers_without_a_creation_form_create_nothing(staff):
    """Wagtail mounts a creation URL anyway: a POST to it was a 500."""
    for chooser in ("product_chooser", "cooperative_chooser"):
        response = staff.post(f"/cms/{chooser}/create/", follow=True)
        assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/en/shop/wishlists/%00/",
        "/en/shop/accounts/alerts/confirm/%00/",
        "/en/wholesale/invitation/%00/",
        "/en/%00/",
    ],
)
def test_a_nul_byte_in_the_path_is_a_bad_request(client, path):
    """PostgreSQL refuses NUL in text: the wish list, alert and invitation
    lookups, and the flat-page and redirect fallbacks of a 404, were 500s."""
    assert client.get(path).status_code == 400


@pytest.fixture
def superuser_client():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser(
        email="root@terroir.ma", username="root", password="not-used-here"
    )
    client = Client()
    client.force_login(user)
    return client


def test_a_hand_made_post_to_a_wagtail_chooser_is_a_bad_request(superuser_client):
    """An empty post to the link chooser (its form always sends the URL):
    Wagtail read the missing field (a 500); now 400, and the real form works."""
    response = superuser_client.post("/cms/choose-external-link/", {})

    assert response.status_code == 400
    response = superuser_client.post(
        "/cms/choose-external-link/",
        {"external-link-chooser-url": "https://www.terroir.ma/"},
    )
    assert response.status_code == 200


def test_moving_a_page_under_a_parent_that_is_a_word_is_a_bad_request(
    superuser_client,
):
    """Wagtail's page chooser looked the posted parent up as an id when it
    showed the form again (a 500); now 400, and a real move still works."""
    from tests.cms.builders import showcase_tree

    showcase = showcase_tree()
    move = f"/cms/pages/{showcase.standard.pk}/move/"

    assert superuser_client.post(move, {"new_parent_page": "abc"}).status_code == 400
    assert superuser_client.get(move).status_code == 200


def test_quotes_in_the_page_choosers_search_are_a_bad_request_on_sqlite(
    superuser_client,
):
    """Wagtail's SQLite search passed them to FTS5 (a 500); now 400. PostgreSQL
    searches for them and finds nothing."""
    response = superuser_client.get("/cms/choose-page/search/", {"q": "'\"><"})

    assert response.status_code == (400 if connection.vendor == "sqlite" else 200)


def test_a_redirect_import_posted_without_its_file_is_a_bad_request(
    superuser_client,
):
    """The import's confirmation without its signed file name, or with an
    unsigned format: Wagtail raised on the missing field or on the bad
    signature (a 500); now 400."""
    for form in ({"input_format": "0"}, {"import_file_name": "x", "input_format": "0"}):
        response = superuser_client.post("/cms/redirects/import/process/", form)

        assert response.status_code == 400


def test_only_the_listed_admin_faults_become_bad_requests():
    """The same exception elsewhere is no known fault: it stays a 500."""
    from shop.security.admin_input import known_fault

    missing = AttributeError("'NoneType' object has no attribute 'startswith'")
    assert known_fault("cms/choose-external-link/", missing) is not None
    assert known_fault("fr/shop/basket/", missing) is None
    assert known_fault("cms/choose-external-link/", KeyError("url")) is None
