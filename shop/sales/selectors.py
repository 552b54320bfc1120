"""Reads of the sales context."""

from django.utils.functional import SimpleLazyObject

from shop.sales.context import ONLINE, SalesContext, wholesale


def sales_context_get(*, request=None, user=None) -> SalesContext:
    """Return who is buying in this request, resolved once and kept on it.

    A buyer of an approved wholesale company buys in its context (its prices,
    its currency); everyone else in the storefront buys online at retail
    prices. A view that sells in another context (a store's counter) sets
    `request.sales_context` before anything prices a product.
    """
    if request is None:
        return _for_user(user) if user is not None else ONLINE
    context = getattr(request, "sales_context", None)
    if context is None:
        if not hasattr(request, "user"):
            # Before authentication (the page cache, for visitors without a
            # session): nobody is signed in, and nothing is kept for later.
            return ONLINE
        context = _for_user(request.user)
        request.sales_context = context
    return context


def _for_user(user) -> SalesContext:
    from shop.wholesale.access import membership_get

    if user is None or not user.is_authenticated:
        return ONLINE
    membership = membership_get(user=user)
    return wholesale(membership.company) if membership else ONLINE


def sales_context_processor(request):
    """Template context processor: `sales_context`, resolved when first read."""
    return {
        "sales_context": SimpleLazyObject(lambda: sales_context_get(request=request))
    }
