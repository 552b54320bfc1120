"""Reviews come from signed-in customers who bought the product; office staff
approve or reject them in the dashboard, and only approved ones are shown."""

import html
import re

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_basket, create_order

from tests.factories import CustomerFactory, ProductFactory

ProductReview = get_model("reviews", "ProductReview")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REVIEW = {
    "title": "Très parfumée",
    "score": "5",
    "body": "Une huile au goût de noisette, parfaite sur le couscous.",
}
NOT_BOUGHT = "Only customers who bought this product can review it"


def text(response) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(page).split())


def add_review_url(product):
    return reverse(
        "catalogue:reviews-add",
        kwargs={"product_slug": product.slug, "product_pk": product.pk},
    )


def review_url(review):
    return reverse(
        "catalogue:reviews-detail",
        kwargs={
            "product_slug": review.product.slug,
            "product_pk": review.product_id,
            "pk": review.pk,
        },
    )


def bought(user, product, status="Pending"):
    basket = create_basket(empty=True)
    basket.add_product(product)
    order = create_order(basket=basket, user=user)
    order.status = status
    order.save()
    return order


@pytest.fixture
def product(db):
    return ProductFactory(title="Huile d'argane")


def test_a_customer_who_bought_the_product_reviews_it_for_moderation(
    client, customer, product
):
    """The product page offers the form; the review waits for office staff."""
    bought(customer, product)
    client.force_login(customer)

    page = client.get(product.get_absolute_url())
    assert add_review_url(product) in page.content.decode()
    response = client.post(add_review_url(product), REVIEW, follow=True)

    assert "Thank you for reviewing this product" in text(response)
    review = ProductReview.objects.get()
    assert (review.user, review.status) == (customer, ProductReview.FOR_MODERATION)
    assert REVIEW["title"] not in text(client.get(product.get_absolute_url()))


@pytest.mark.parametrize("order_status", [None, "Cancelled"])
def test_a_customer_who_did_not_buy_it_is_told_why(
    client, customer, product, order_status
):
    """No order of the product, or only a cancelled one: the page says who may
    review instead of offering the form, and a posted review is refused with
    the same sentence."""
    if order_status:
        bought(customer, product, status=order_status)
    bought(customer, ProductFactory())  # another product does not count
    client.force_login(customer)

    page = client.get(product.get_absolute_url())
    form = client.get(add_review_url(product), follow=True)
    posted = client.post(add_review_url(product), REVIEW, follow=True)

    assert NOT_BOUGHT in text(page)
    assert add_review_url(product) not in page.content.decode()
    assert NOT_BOUGHT in text(form)
    assert posted.status_code == 200
    assert NOT_BOUGHT in text(posted)
    assert not ProductReview.objects.exists()


def test_a_bought_variant_lets_the_customer_review_its_product(client, customer):
    """Reviews are on the product page; the order line holds the variant."""
    parent = ProductFactory(structure="parent", stockrecords=None)
    child = ProductFactory(structure="child", parent=parent)
    bought(customer, child)
    client.force_login(customer)

    client.post(add_review_url(parent), REVIEW)

    assert ProductReview.objects.get().product == parent


def test_visitors_are_asked_to_sign_in(client, product):
    """Anonymous visitors read why, and posting sends them to sign in."""
    page = client.get(product.get_absolute_url())
    posted = client.post(add_review_url(product), REVIEW)

    assert "Sign in to review this product" in text(page)
    assert posted.status_code == 302
    assert reverse("customer:login") in posted["Location"]
    assert not ProductReview.objects.exists()


def test_one_review_per_customer(client, customer, product):
    bought(customer, product)
    client.force_login(customer)
    client.post(add_review_url(product), REVIEW)

    again = client.post(add_review_url(product), REVIEW, follow=True)

    assert "You have already reviewed this product." in text(again)
    assert ProductReview.objects.count() == 1


def test_office_staff_approve_and_reject_in_the_dashboard(client, office, product):
    """Approved reviews show on the product page; a rejected or unmoderated one
    is nowhere to read, not even at its own address."""
    authors = [CustomerFactory(), CustomerFactory(), CustomerFactory()]
    for author in authors:
        bought(author, product)
    approved, rejected, waiting = (
        ProductReview.objects.create(
            product=product, user=author, title=title, score=4, body="…"
        )
        for author, title in zip(
            authors, ["Excellente", "Décevante", "En attente"], strict=True
        )
    )
    client.force_login(office)

    listing = client.get(reverse("dashboard:reviews-list"))
    client.post(
        reverse("dashboard:reviews-update", kwargs={"pk": approved.pk}),
        {
            "title": approved.title,
            "body": approved.body,
            "score": "4",
            "status": ProductReview.APPROVED,
        },
    )
    client.post(
        reverse("dashboard:reviews-list"),
        {
            "action": "update_selected_review_status",
            "selected_review": [rejected.pk],
            "status": ProductReview.REJECTED,
        },
    )

    assert listing.status_code == 200
    assert "Excellente" in text(listing)
    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert approved.status == ProductReview.APPROVED
    assert rejected.status == ProductReview.REJECTED
    client.logout()
    page = text(client.get(product.get_absolute_url()))
    assert "Excellente" in page
    assert "Décevante" not in page
    assert "En attente" not in page
    assert client.get(review_url(approved)).status_code == 200
    assert client.get(review_url(rejected)).status_code == 404
    assert client.get(review_url(waiting)).status_code == 404


def test_a_bulk_status_that_is_not_one_is_refused(client, office, product):
    """An unknown or missing status changes nothing and says what to do."""
    review = ProductReview.objects.create(
        product=product, user=CustomerFactory(), title="Bonne", score=4, body="…"
    )
    client.force_login(office)

    for status in ("7", "abc", ""):
        response = client.post(
            reverse("dashboard:reviews-list"),
            {
                "action": "update_selected_review_status",
                "selected_review": [review.pk],
                "status": status,
            },
            follow=True,
        )
        assert "Choose the new status of the selected reviews." in text(response)
    garbage = client.post(
        reverse("dashboard:reviews-list"),
        {
            "action": "update_selected_review_status",
            "selected_review": ["abc"],
            "status": ProductReview.APPROVED,
        },
    )

    assert garbage.status_code == 302
    review.refresh_from_db()
    assert review.status == ProductReview.FOR_MODERATION


def test_store_staff_and_customers_cannot_moderate(client, staff_a, customer, product):
    review = ProductReview.objects.create(
        product=product, user=customer, title="Bonne", score=4, body="…"
    )
    for user in (staff_a, customer):
        client.force_login(user)
        assert client.get(reverse("dashboard:reviews-list")).status_code == 403
        response = client.post(
            reverse("dashboard:reviews-update", kwargs={"pk": review.pk}),
            {**REVIEW, "status": ProductReview.APPROVED},
        )
        assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == ProductReview.FOR_MODERATION
