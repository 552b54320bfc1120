"""Signal receivers: catalogue and stock changes re-index the affected products.

Receivers only work out which products changed and queue a task for them;
they are connected in SearchConfig.ready().
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from oscar.core.loading import get_model

from catalog.models import Certification, Cooperative, Product
from search.indexing import is_paused
from shop.partner.signals import sold_out, stock_allocated
from shop.task_queue import enqueue_with_commit

StockRecord = get_model("partner", "StockRecord")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")


def schedule_sync(product_ids) -> None:
    """Queue a re-index of these products, run once the transaction commits."""
    ids = sorted({pk for pk in product_ids if pk})
    if not ids or is_paused():
        return
    from search.tasks import sync_products  # the task backend loads lazily

    enqueue_with_commit(sync_products, ids)


def product_changed(sender, instance, **kwargs):
    schedule_sync([instance.pk, instance.parent_id])


def stockrecord_changed(sender, instance, **kwargs):
    schedule_sync([instance.product_id])


def stockrecords_allocated(sender, stockrecords, **kwargs):
    # The index knows whether a product is in stock, not how many are left:
    # only a sale of the last units changes its document.
    schedule_sync(sold_out(stockrecords))


def product_category_changed(sender, instance, **kwargs):
    schedule_sync([instance.product_id])


def product_categories_changed(sender, instance, action, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if isinstance(instance, Product):
        schedule_sync([instance.pk])
    else:  # category.product_set changed
        schedule_sync(pk_set or instance.product_set.values_list("pk", flat=True))


def category_changed(sender, instance, **kwargs):
    # A renamed category changes the names indexed with its whole subtree.
    subtree = instance.get_descendants_and_self()
    schedule_sync(
        ProductCategory.objects.filter(category__in=subtree).values_list(
            "product_id", flat=True
        )
    )


def cooperative_changed(sender, instance, **kwargs):
    schedule_sync(instance.products.values_list("pk", flat=True))


def certification_changed(sender, instance, **kwargs):
    schedule_sync(instance.products.values_list("pk", flat=True))


def certification_products_changed(sender, instance, action, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if isinstance(instance, Certification):
        ids = pk_set if pk_set else instance.products.values_list("pk", flat=True)
    else:
        ids = [instance.pk]
    schedule_sync(ids)


def connect() -> None:
    uid = "search-index"
    post_save.connect(product_changed, sender=Product, dispatch_uid=f"{uid}-p")
    post_delete.connect(product_changed, sender=Product, dispatch_uid=f"{uid}-pd")
    for signal, suffix in ((post_save, "s"), (post_delete, "sd")):
        signal.connect(
            stockrecord_changed, sender=StockRecord, dispatch_uid=uid + suffix
        )
    stock_allocated.connect(stockrecords_allocated, dispatch_uid=f"{uid}-sa")
    for signal, suffix in ((post_save, "pc"), (post_delete, "pcd")):
        signal.connect(
            product_category_changed, sender=ProductCategory, dispatch_uid=uid + suffix
        )
    m2m_changed.connect(
        product_categories_changed,
        sender=Product.categories.through,
        dispatch_uid=f"{uid}-pcm2m",
    )
    post_save.connect(category_changed, sender=Category, dispatch_uid=f"{uid}-cat")
    post_save.connect(cooperative_changed, sender=Cooperative, dispatch_uid=f"{uid}-c")
    post_save.connect(
        certification_changed, sender=Certification, dispatch_uid=f"{uid}-cert"
    )
    # After delete the coverage rows are gone: collect the products before.
    pre_delete.connect(
        certification_changed, sender=Certification, dispatch_uid=f"{uid}-certd"
    )
    m2m_changed.connect(
        certification_products_changed,
        sender=Certification.products.through,
        dispatch_uid=f"{uid}-m2m",
    )
