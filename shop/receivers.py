"""Signal receivers of the shop project: cached pages follow catalogue changes."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from shop.cache import catalogue_version_bump
from shop.partner.signals import stock_allocated

# Models whose changes show on catalogue and CMS pages.
CATALOGUE_MODELS = [
    ("catalogue", "Product"),
    ("catalogue", "Category"),
    ("catalogue", "ProductCategory"),
    ("catalogue", "ProductImage"),
    ("catalogue", "Cooperative"),
    ("catalogue", "Certification"),
    ("partner", "Partner"),
    ("partner", "StockRecord"),
    ("partner", "OpeningPeriod"),
    # Wholesale prices show on product pages and cards for buyers.
    ("wholesale", "PriceTier"),
    ("wholesale", "PriceListItem"),
]


def catalogue_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    # After commit: bumping earlier would let a concurrent request cache the
    # old rows under the new version.
    transaction.on_commit(catalogue_version_bump)


def connect():
    from django.apps import apps
    from wagtail.signals import page_published, page_unpublished

    for app_label, model_name in CATALOGUE_MODELS:
        model = apps.get_model(app_label, model_name)
        uid = f"catalogue-version-{app_label}.{model_name}"
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(catalogue_changed, sender=model, dispatch_uid=uid)
    stock_allocated.connect(catalogue_changed, dispatch_uid="catalogue-version-stock")
    m2m_changed.connect(
        catalogue_changed,
        sender=apps.get_model("catalogue", "Certification").products.through,
        dispatch_uid="catalogue-version-certification-products",
    )
    page_published.connect(catalogue_changed, dispatch_uid="catalogue-version-pub")
    page_unpublished.connect(catalogue_changed, dispatch_uid="catalogue-version-unpub")
