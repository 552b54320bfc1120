"""Product reviews: by signed-in shoppers, published once office staff approve."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_basket, create_order

from tests.factories import ProductFactory

ProductReview = get_model("reviews", "ProductReview")

pytestmark = pytest.mark.django_db

REVIEW = {
    "title": "Très parfumée",
    "score": "5",
    "body": "Une huile au goût de noisette, parfaite sur le couscous.",
    "name": "Salma",
    "email": "salma@example.ma",
}


def add_review_url(product):
    return reverse(
        "catalogue:reviews-add",
        kwargs={"product_slug": product.slug, "product_pk": product.pk},
    )


def test_anonymous_visitors_cannot_post_a_review(client):
    product = ProductFactory()

    response = client.post(add_review_url(product), REVIEW)

    assert response.status_code in (302, 403)
    assert not ProductReview.objects.exists()


def test_a_review_waits_for_office_staff_before_it_shows(client, customer, office):
    product = ProductFactory()
    # Reviews come from customers who bought it (tests/catalog/test_reviews.py).
    basket = create_basket(empty=True)
    basket.add_product(product)
    create_order(basket=basket, user=customer)
    client.force_login(customer)

    client.post(add_review_url(product), REVIEW)

    review = ProductReview.objects.get()
    assert review.status == ProductReview.FOR_MODERATION
    page = client.get(product.get_absolute_url()).content.decode()
    assert REVIEW["title"] not in page

    client.force_login(office)
    listing = client.get(reverse("dashboard:reviews-list"))
    assert listing.status_code == 200
    assert REVIEW["title"] in listing.content.decode()
    client.post(
        reverse("dashboard:reviews-update", kwargs={"pk": review.pk}),
        {**REVIEW, "status": ProductReview.APPROVED},
    )
    review.refresh_from_db()
    assert review.status == ProductReview.APPROVED
    assert REVIEW["title"] in client.get(product.get_absolute_url()).content.decode()
