"""Writes of the basket: adding a product."""

from django.db import transaction
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")


def basket_product_add(*, basket: Basket, product, quantity: int, options: list):
    """Add a product to a basket; return Oscar's (line, created).

    Additions to one basket are serialised: Oscar reads a line's quantity and
    writes it back, so two concurrent additions (a double click, two tabs)
    would otherwise lose one of them.
    """
    with transaction.atomic():
        # A new basket (no id yet) has no concurrent additions to wait for.
        if basket.pk:
            list(Basket.objects.select_for_update().filter(pk=basket.pk))
        return basket.add_product(product, quantity, options)
