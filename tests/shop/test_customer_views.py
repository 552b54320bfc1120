"""Customer pages: no state change on GET, no redirect off the site, no 500."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from oscar.apps.communication.models import Notification
from oscar.apps.customer.models import ProductAlert
from oscar.apps.wishlists.models import WishList
from oscar.test.factories import (
    ProductAlertFactory,
    UserAddressFactory,
    create_basket,
    create_order,
)

from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db
EVIL = "https://evil.example/phish"


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def signed_in(customer):
    client = Client()
    client.force_login(customer)
    return client


def anonymous_alert():
    """A guest's alert, confirmed from its e-mail."""
    alert = ProductAlertFactory(
        product=ProductFactory(), user=None, email="guest@example.ma"
    )
    alert.confirm()
    return alert


def order_of(user):
    basket = create_basket(empty=True)
    basket.add_product(ProductFactory(stockrecords__price="120.00"))
    return create_order(basket=basket, user=user)


def test_following_a_logout_link_asks_before_signing_out(signed_in, customer):
    """GET shows a "Log out?" form; only its POST signs the customer out."""
    response = signed_in.get(reverse("customer:logout"))

    assert response.status_code == 200
    assert "Se déconnecter ?" in response.content.decode()
    assert SESSION_KEY in signed_in.session

    response = signed_in.post(reverse("customer:logout"))

    assert response.status_code == 302
    assert SESSION_KEY not in signed_in.session


def test_the_shop_menu_logs_out_with_a_post_form(signed_in, customer):
    """The header's "Log out" is the button of a POST form carrying a CSRF token."""
    page = signed_in.get(reverse("customer:profile-view")).content.decode()
    logout = reverse("customer:logout")

    form = page[page.index(f'<form method="post" action="{logout}">') :]
    assert "csrfmiddlewaretoken" in form[: form.index("</form>")]
    assert f'href="{logout}"' not in page


def test_an_alert_cancel_link_asks_before_cancelling():
    """The e-mail's link shows a confirmation; the alert stays active until POST."""
    alert = anonymous_alert()
    url = reverse("customer:alerts-cancel-by-key", kwargs={"key": alert.key})

    response = Client().get(url)

    assert response.status_code == 200
    assert "Annuler l’alerte" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == ProductAlert.ACTIVE

    response = Client().post(url)

    alert.refresh_from_db()
    assert alert.status == ProductAlert.CANCELLED
    assert response["Location"] == alert.product.get_absolute_url()


@pytest.mark.parametrize(
    "target", [EVIL, "//evil.example/", "https:evil.example", "javascript:alert(1)"]
)
def test_cancelling_an_alert_never_redirects_off_the_site(target):
    """A `next` pointing elsewhere is ignored: the visitor lands on the product."""
    alert = anonymous_alert()
    url = reverse("customer:alerts-cancel-by-key", kwargs={"key": alert.key})

    shown = Client().get(url, {"next": target}).content.decode()
    response = Client().post(url, {"next": target})

    assert f'name="next" value="{alert.product.get_absolute_url()}"' in shown
    assert response.status_code == 302
    assert response["Location"] == alert.product.get_absolute_url()


def test_cancelling_an_alert_returns_to_a_page_of_the_site(signed_in, customer):
    """The account's alert list posts `next` back to itself, and it is honoured."""
    alert = ProductAlertFactory(user=customer, product=ProductFactory())
    back = reverse("customer:alerts-list")

    page = signed_in.get(back).content.decode()
    response = signed_in.post(
        reverse("customer:alerts-cancel-by-pk", kwargs={"pk": alert.pk}),
        {"next": back},
    )

    assert (
        'formaction="{}"'.format(
            reverse("customer:alerts-cancel-by-pk", kwargs={"pk": alert.pk})
        )
        in page
    )
    assert response["Location"] == back
    alert.refresh_from_db()
    assert alert.status == ProductAlert.CANCELLED


@pytest.mark.parametrize("action", ["default_for_billing", "default_for_shipping"])
def test_a_default_address_is_set_by_post_only(signed_in, customer, action):
    """A GET (an image tag on another site) changes nothing; the book's form does."""
    address = UserAddressFactory(user=customer, country__is_shipping_country=True)
    url = reverse(
        "customer:address-change-status", kwargs={"pk": address.pk, "action": action}
    )

    assert signed_in.get(url).status_code == 405
    address.refresh_from_db()
    assert getattr(address, f"is_{action}") is False

    book = signed_in.get(reverse("customer:address-list")).content.decode()
    assert f'<form method="post" action="{url}">' in book

    assert signed_in.post(url).status_code == 302
    address.refresh_from_db()
    assert getattr(address, f"is_{action}") is True


def test_a_product_is_added_to_a_wish_list_by_post_only(signed_in, customer):
    """A GET creates no wish list and adds nothing; the product page posts."""
    product = ProductFactory()
    url = reverse("customer:wishlists-add-product", kwargs={"product_pk": product.pk})

    assert signed_in.get(url).status_code == 405
    assert not WishList.objects.filter(owner=customer).exists()

    signed_in.post(url)
    wishlist = WishList.objects.get(owner=customer)
    assert [line.product for line in wishlist.lines.all()] == [product]

    keyed = reverse(
        "customer:wishlists-add-product",
        kwargs={"key": wishlist.key, "product_pk": ProductFactory().pk},
    )
    assert signed_in.get(keyed).status_code == 405


def test_the_product_page_adds_to_a_named_wish_list_with_a_form(signed_in, customer):
    """With several wish lists, each "add to" entry is a POST form, not a link."""
    product = ProductFactory()
    first = WishList.objects.create(owner=customer, name="Cadeaux")
    WishList.objects.create(owner=customer, name="Ramadan")

    page = signed_in.get(product.get_absolute_url()).content.decode()

    url = reverse(
        "customer:wishlists-add-product",
        kwargs={"key": first.key, "product_pk": product.pk},
    )
    assert f'<form method="post" action="{url}">' in page
    assert f'href="{url}"' not in page


def test_an_order_line_shows_in_the_shop_design(signed_in, customer):
    """The line of one's order opens (it was a 500: Oscar ships no template)."""
    order = order_of(customer)
    line = order.lines.get()

    response = signed_in.get(
        reverse(
            "customer:order-line",
            kwargs={"order_number": order.number, "line_id": line.pk},
        )
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert escape(line.title) in text
    assert "Racheter" in text


def test_another_orders_line_is_not_found(signed_in, customer):
    """A line id from someone else's order answers 404, not a 500."""
    order = order_of(customer)
    other = order_of(CustomerFactory()).lines.get()

    response = signed_in.get(
        reverse(
            "customer:order-line",
            kwargs={"order_number": order.number, "line_id": other.pk},
        )
    )

    assert response.status_code == 404


def test_a_non_numeric_notification_selects_nothing(signed_in, customer):
    """A tampered checkbox value is refused with a message, not a 500."""
    Notification.objects.create(recipient=customer, subject="Bienvenue")

    response = signed_in.post(
        reverse("customer:notifications-update"),
        {"action": "archive", "selected_notification": "abc"},
        follow=True,
    )

    assert response.status_code == 200
    assert Notification.objects.get().location == Notification.INBOX
    assert list(response.context["messages"])
