"""Why a visitor may not review a product, for the place of the review button."""

from django import template

from catalog.reviews.selectors import review_refusal_get

register = template.Library()


@register.simple_tag
def review_refusal(product, user) -> str:
    """The sentence to show instead of "Write a review" ("" if they may write one)."""
    return review_refusal_get(product=product, user=user) or ""
