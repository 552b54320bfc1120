"""Who may review a product: signed-in customers who bought it."""

from django.db.models import Q
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

# The status of OSCAR_ORDER_STATUS_PIPELINE an order bought nothing in.
CANCELLED = "Cancelled"


def _bought(*, product, user) -> bool:
    Line = get_model("order", "Line")
    return (
        Line.objects.filter(order__user=user)
        .filter(Q(product=product) | Q(product__parent=product))
        .exclude(order__status=CANCELLED)
        .exists()
    )


def _refusal(*, product, user) -> str | None:
    if not user.is_authenticated:
        return _(
            "Sign in to review this product: reviews come from the customers "
            "who bought it."
        )
    if product.has_review_by(user):
        return _("You have already reviewed this product.")
    if not _bought(product=product, user=user):
        return _(
            "Only customers who bought this product can review it: you can "
            "write one once you have ordered it."
        )
    return None


def review_refusal_get(*, product, user) -> str | None:
    """Why `user` may not review `product`, in a sentence for them; None if they may.

    A placed order of the product (or one of its variants) counts unless it
    was cancelled. Kept on the product for the rest of the request: a product
    page asks for the button and for the reviews section.
    """
    known = product.__dict__.setdefault("_review_refusals", {})
    key = user.pk if user.is_authenticated else None
    if key not in known:
        known[key] = _refusal(product=product, user=user)
    return known[key]
