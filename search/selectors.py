"""Reads for product listings: engine results (or the database fallback) + products."""

import logging
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from catalog.models import Certification, Product
from search import engine
from search.queries import (
    Hit,
    ProductQuery,
    SearchResults,
    product_search,
    product_search_fallback,
)

logger = logging.getLogger(__name__)


@dataclass
class Listing:
    results: SearchResults
    products: list[Product] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[Product, Hit]]:
        """Pair each product with its hit (highlight), in result order."""
        hits = {hit.product_id: hit for hit in self.results.hits}
        return [(product, hits[product.pk]) for product in self.products]


def product_cards_list(*, product_ids: list[int]) -> list[Product]:
    """Return products in the given order with what a result card shows.

    The number of queries is fixed, whatever the number of products.
    """
    valid_labels = Certification.objects.valid_on(timezone.localdate()).order_by(
        "scheme", "name"
    )
    products = (
        Product.objects.filter(pk__in=product_ids)
        .select_related("cooperative", "product_class")
        .prefetch_related(
            "images",
            "stockrecords__partner",
            Prefetch("certifications", queryset=valid_labels, to_attr="valid_labels"),
        )
    )
    by_id = {product.pk: product for product in products}
    return [by_id[pk] for pk in product_ids if pk in by_id]


def product_listing_get(*, query: ProductQuery) -> Listing:
    """Search the engine, or the database when the engine fails; never raise."""
    try:
        results = product_search(query=query)
    except engine.SearchUnavailable:
        logger.exception("Search engine unavailable; listing from the database")
        results = product_search_fallback(query=query)
    return Listing(
        results=results, products=product_cards_list(product_ids=results.product_ids)
    )
