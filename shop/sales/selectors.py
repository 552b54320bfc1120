"""Reads of the sales context."""

from shop.sales.context import ONLINE, SalesContext


def sales_context_get(*, request=None, user=None) -> SalesContext:
    """Return who is buying in this request, resolved once and kept on it.

    Everyone in the storefront buys online at retail prices today; a view that
    sells in another context (a store's counter) sets `request.sales_context`
    before anything prices a product.
    """
    if request is None:
        return ONLINE
    context = getattr(request, "sales_context", None)
    if context is None:
        context = ONLINE
        request.sales_context = context
    return context
