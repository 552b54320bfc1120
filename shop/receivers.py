"""Signal receivers of the shop project: cached pages follow catalogue changes.

A change to one product (its fields, stock, photos, wholesale prices) moves
that product's version: only what shows it is thrown away. A sale moves only
its stock figure version (what prints the units left), unless it took the
last units: then the product leaves the listings' "in stock" and its version
moves too. A change to what
the catalogue is made of (products created, deleted, published or hidden,
category members, categories, cooperatives, stores, CMS pages, quality labels,
which show on cooperative pages too) moves the structure version: everything is.
"""

from functools import partial

from django.core.signals import request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from shop.cache import (
    catalogue_version_bump,
    owed_bumps_made,
    product_versions_bump,
    products_shown,
    stock_versions_bump,
)
from shop.partner.signals import sold_out, stock_allocated

STRUCTURE_MODELS = [
    ("catalogue", "Category"),
    ("catalogue", "ProductCategory"),
    ("catalogue", "Cooperative"),
    ("partner", "Partner"),
    ("partner", "OpeningPeriod"),
    # A label shows on its products and on its cooperative's pages and cards.
    ("catalogue", "Certification"),
]
# Models of one product, and how to get its id (and its parent's).
PRODUCT_MODELS = [
    ("catalogue", "ProductImage", "product_id"),
    ("partner", "StockRecord", "product_id"),
    ("wholesale", "PriceTier", "product_id"),
    ("wholesale", "PriceListItem", "product_id"),
]


def _after_commit(bump, **kwargs):
    # After commit: bumping earlier would let a concurrent request cache the
    # old rows under the new version.
    transaction.on_commit(partial(bump, **kwargs))


def structure_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    _after_commit(catalogue_version_bump)


def _with_parents(product_ids) -> set[int]:
    """These products and their parents (a variant shows on its parent)."""
    from oscar.core.loading import get_model

    ids = set(product_ids)
    parents = get_model("catalogue", "Product").objects.filter(
        pk__in=ids, parent__isnull=False
    )
    ids.update(parents.values_list("parent_id", flat=True))
    return ids


def _products_changed(product_ids):
    _after_commit(product_versions_bump, product_ids=_with_parents(product_ids))


def product_saved(sender, instance, created=False, **kwargs):
    if kwargs.get("raw"):
        return
    shown_before = instance.__dict__.get("_public_when_loaded")
    if created or (shown_before is not None and shown_before != instance.is_public):
        # A product entering or leaving the shop changes listings, counts and
        # the cooperatives and categories offered by the autocomplete.
        _after_commit(catalogue_version_bump)
    else:
        _products_changed([instance.pk])


def product_deleted(sender, instance, **kwargs):
    _after_commit(catalogue_version_bump)


def product_part_changed(sender, instance, field, **kwargs):
    if not kwargs.get("raw"):
        _products_changed([getattr(instance, field)])


def stock_sold(sender, stockrecords, **kwargs):
    _after_commit(
        stock_versions_bump,
        product_ids=_with_parents(record.product_id for record in stockrecords),
    )
    _products_changed(sold_out(stockrecords))


def product_loaded(sender, instance, **kwargs):
    # A product instance on a page or in a cached result is a product it
    # shows. Read from __dict__: a deferred field must not cost a query.
    fields = instance.__dict__
    products_shown(fields.get("id"), fields.get("parent_id"))
    fields["_public_when_loaded"] = fields.get("is_public")


def stockrecord_loaded(sender, instance, **kwargs):
    products_shown(instance.__dict__.get("product_id"))


def connect():
    from django.apps import apps
    from oscar.apps.catalogue.signals import product_viewed
    from wagtail.signals import page_published, page_unpublished

    from shop.page_cache import product_view_noted

    for app_label, model_name in STRUCTURE_MODELS:
        model = apps.get_model(app_label, model_name)
        uid = f"catalogue-version-{app_label}.{model_name}"
        post_save.connect(structure_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(structure_changed, sender=model, dispatch_uid=uid)
    product = apps.get_model("catalogue", "Product")
    post_save.connect(product_saved, sender=product, dispatch_uid="product-version")
    post_delete.connect(product_deleted, sender=product, dispatch_uid="product-version")
    post_init.connect(product_loaded, sender=product, dispatch_uid="product-shown")
    for app_label, model_name, field in PRODUCT_MODELS:
        model = apps.get_model(app_label, model_name)
        uid = f"product-version-{app_label}.{model_name}"
        receiver = partial(product_part_changed, field=field)
        post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
    post_init.connect(
        stockrecord_loaded,
        sender=apps.get_model("partner", "StockRecord"),
        dispatch_uid="stockrecord-shown",
    )
    m2m_changed.connect(
        structure_changed,
        sender=apps.get_model("catalogue", "Certification").products.through,
        dispatch_uid="certification-products",
    )
    stock_allocated.connect(stock_sold, dispatch_uid="product-version-stock")
    page_published.connect(structure_changed, dispatch_uid="catalogue-version-pub")
    page_unpublished.connect(structure_changed, dispatch_uid="catalogue-version-unpub")
    product_viewed.connect(product_view_noted, dispatch_uid="page-cache-viewed")
    request_started.connect(owed_bumps_made, dispatch_uid="cache-owed-bumps")
