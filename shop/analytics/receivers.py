"""Signal receivers that buffer product views and flush them after responses."""

from shop.analytics.services import product_view_record, product_views_flush_if_due


def buffer_product_view(sender, product, user, **kwargs):
    if kwargs.get("raw", False):
        return
    product_view_record(
        product_id=product.pk,
        user_id=user.pk if user and user.is_authenticated else None,
    )


def flush_due_product_views(sender, **kwargs):
    # request_finished fires when the server closes the response, once the
    # client has it: the write never adds to a page's latency.
    product_views_flush_if_due()
