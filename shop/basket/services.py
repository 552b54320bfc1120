"""Writes of the basket: adding a product."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")


def basket_product_add(*, basket: Basket, product, quantity: int, options: list):
    """Add a product to a basket, without losing a concurrent addition.

    More of a line already in the basket is one UPDATE of its quantity, not
    Oscar's read then write: simultaneous additions (a double click, two tabs)
    all count, and SQLite's database-wide write lock is held for that one
    statement rather than a whole transaction. A new line goes through Oscar's
    Basket.add_product, serialised with other additions to the same basket.
    """
    stockrecord = basket.get_stock_info(product, options).stockrecord
    reference = stockrecord and basket._create_line_reference(
        product, stockrecord, options
    )
    in_basket = any(line.line_reference == reference for line in basket.all_lines())
    if in_basket and _line_quantity_add(basket, reference, quantity):
        basket.reset_offer_applications()
        return
    with transaction.atomic():
        # A new basket (no id yet) has no concurrent additions to wait for.
        if basket.pk:
            list(Basket.objects.select_for_update().filter(pk=basket.pk))
            # A concurrent first addition may have created the line meanwhile.
            if reference and _line_quantity_add(basket, reference, quantity):
                basket.reset_offer_applications()
                return
        basket.add_product(product, quantity, options)


def _line_quantity_add(basket: Basket, reference: str, quantity: int) -> bool:
    updated = Line.objects.filter(basket=basket, line_reference=reference).update(
        quantity=F("quantity") + quantity, date_updated=timezone.now()
    )
    return updated > 0
