"""What a company's buyers see of wholesale prices on storefront pages.

Nothing shows outside the wholesale sales context: retail shoppers (and staff
at a counter) get an empty string. Offers are cached per pricing key and
catalogue version, so a company's negotiated prices never reach another.
"""

from django import template

from shop.cache import catalogue_cached, catalogue_cached_per_product, products_shown
from shop.sales.context import Channel
from shop.sales.selectors import sales_context_get
from shop.wholesale.pricing import Offer, offers_for_ids_get, wholesale_offer_get

register = template.Library()


def _company(context):
    request = context.get("request")
    if request is None:
        return None, None
    sales_context = sales_context_get(request=request)
    if sales_context.channel != Channel.WHOLESALE or sales_context.company is None:
        return None, None
    return sales_context, sales_context.company


def _offer(context, product) -> Offer | None:
    sales_context, company = _company(context)
    if company is None or product is None:
        return None
    # A Product, or a listing card that only knows the product's id.
    product_id = getattr(product, "pk", None) or getattr(product, "id", None)
    if product_id is None:
        return None

    if getattr(product, "is_parent", False):
        # Variants have their own packs and prices: a parent offers none.
        return None

    def compute():
        products_shown(product_id)
        if hasattr(product, "wholesale_pack_size"):
            return wholesale_offer_get(product=product, company=company)
        return offers_for_ids_get(product_ids=[product_id], company=company).get(
            product_id
        )

    return catalogue_cached(
        "wholesale-offer", product_id, compute=compute, sales_context=sales_context
    )


@register.simple_tag(takes_context=True)
def wholesale_offer_for(context, product) -> Offer | None:
    """Return the request's buyer's offer for a product (None outside wholesale)."""
    return _offer(context, product)


@register.inclusion_tag("wholesale/partials/offer.html", takes_context=True)
def wholesale_offer(context, product, compact=False):
    """Show pack size, minimum order and prices to the request's buyer."""
    return {"offer": _offer(context, product), "compact": compact}


@register.simple_tag(takes_context=True)
def wholesale_offers_warm(context, rows) -> str:
    """Load the buyer's offers of a whole listing at once (one query for the
    tiers, one for the price list) into the cache each card then reads.

    `rows` are products or cards, or (product or card, hit) pairs, as
    listings give them.
    """
    sales_context, company = _company(context)
    if company is None:
        return ""
    products = [row[0] if isinstance(row, tuple) else row for row in rows]
    catalogue_cached_per_product(
        "wholesale-offer",
        [
            getattr(product, "pk", None) or product.id
            for product in products
            if not getattr(product, "is_parent", False)
        ],
        compute=lambda missing: offers_for_ids_get(
            product_ids=missing, company=company
        ),
        sales_context=sales_context,
    )
    return ""
