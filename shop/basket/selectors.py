"""Reads for adding to the basket: each thing the addition needs, loaded once."""

import functools

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from oscar.core.loading import get_model

from shop.cache import catalogue_cached, stock_figures_shown
from shop.templatetags.page_parts import FRAGMENT_SECONDS

Basket = get_model("basket", "Basket")
Option = get_model("catalogue", "Option")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def product_for_basket_queryset() -> QuerySet:
    """Products with what adding one reads: class, whether it has options, stock."""
    # Resolving the annotation and prefetch costs more than the query itself:
    # build them once per process, hand out clones.
    return _products_for_basket().all()


@functools.cache
def _products_for_basket() -> QuerySet:
    """Products with what adding one reads (never evaluated: cloned for each use).

    The strategy prices the product and checks its stock from the prefetched
    records (with their partners), so the form and Basket.add_product share one
    query instead of two. `has_options` is annotated under the name of Oscar's
    own property (same rule: the options of the product, of its class, or of
    its parent's class), sparing an options query per addition.
    """
    options = Option.objects.filter(
        Q(product=OuterRef("pk"))
        | Q(productclass=OuterRef("product_class"))
        | Q(productclass=OuterRef("parent__product_class"))
    )
    return (
        # The stock policy reads the class (does it track stock?).
        Product.objects.select_related("product_class")
        .annotate(has_options=Exists(options))
        .prefetch_related(
            Prefetch(
                "stockrecords", queryset=StockRecord.objects.select_related("partner")
            )
        )
    )


def product_for_basket_get(pk: int):
    """The product being added (with `product_for_basket_queryset`'s class,
    options flag and stock records), or None.

    Its two queries cost a fifth of an addition; kept like the product page's
    (catalog/views.py) until it, its stock or the catalogue changes. Checkout
    and a counter sale allocate from the database in any case.
    """

    def load():
        product = product_for_basket_queryset().filter(pk=pk).first()
        if product is not None:
            # Its stock records decide how many may be added.
            stock_figures_shown(product.pk)
        return product

    return catalogue_cached(
        "basket-product",
        pk,
        compute=load,
        sales_context=None,
        timeout=FRAGMENT_SECONDS,
        keep=lambda product: product is not None,
    )


def basket_lines_cache(*, basket: Basket, offers: list) -> None:
    """Load the basket's lines once, with what the addition reads.

    Fills the cache behind Basket.all_lines (quantity limit, currency, offers)
    with one query. Offers read each line's product and stock record, so those
    are joined only when there are offers to apply; Oscar's own query also
    prefetches line attributes and product images for the basket page, which
    an addition never shows.
    """
    if basket.id:
        lines = basket.lines.order_by("pk")
        if offers:
            lines = lines.select_related("product", "stockrecord")
        basket._lines = lines
