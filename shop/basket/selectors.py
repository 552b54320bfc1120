"""Reads for adding to the basket: each thing the addition needs, loaded once."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")
Option = get_model("catalogue", "Option")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def product_for_basket_queryset() -> QuerySet:
    """Products with what adding one reads: class, option flags, stock records.

    The strategy prices the product and checks its stock from the prefetched
    records (with their partners), so the form and Basket.add_product share one
    query instead of two; the option flags spare an options query per addition
    for the usual product without options.
    """
    class_options = Option.objects.filter(
        Q(productclass=OuterRef("product_class"))
        | Q(productclass=OuterRef("parent__product_class"))
    )
    return (
        Product.objects.select_related("product_class", "parent__product_class")
        .annotate(
            has_product_class_options=Exists(class_options),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch(
                "stockrecords", queryset=StockRecord.objects.select_related("partner")
            )
        )
    )


def basket_lines_cache(*, basket: Basket) -> None:
    """Load the basket's lines once, with the product and stock record offers read.

    Fills the cache behind Basket.all_lines (quantity limit, currency, offers)
    with one query; Oscar's own query also prefetches line attributes and
    product images for the basket page, which an addition never shows.
    """
    if basket.id:
        basket._lines = basket.lines.select_related("product", "stockrecord").order_by(
            "pk"
        )
