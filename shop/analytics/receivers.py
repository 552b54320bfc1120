"""Signal receivers that count product events in the cache and flush them later."""

from shop.analytics.services import (
    order_counters_record,
    product_basket_addition_record,
    product_counters_flush_if_due,
    product_view_record,
)


def _user_id(user):
    return user.pk if user and user.is_authenticated else None


def buffer_product_view(sender, product, user, **kwargs):
    if not kwargs.get("raw", False):
        product_view_record(product_id=product.pk, user_id=_user_id(user))


def buffer_basket_addition(sender, product, user, **kwargs):
    if not kwargs.get("raw", False):
        product_basket_addition_record(product_id=product.pk, user_id=_user_id(user))


def record_order(sender, order, user, **kwargs):
    if not kwargs.get("raw", False):
        order_counters_record(order=order, user=user)


def flush_due_counters(sender, **kwargs):
    # request_finished fires when the server closes the response, once the
    # client has it: the write never adds to a page's latency.
    product_counters_flush_if_due()
