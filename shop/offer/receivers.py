"""A saved or deleted site offer, condition or benefit moves the offers' version."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from shop.offer.applicator import site_offers_version_bump


def offers_changed(sender, **kwargs):
    # After commit: earlier, a concurrent request could keep the old rows
    # under the new version.
    transaction.on_commit(site_offers_version_bump)


def connect():
    from django.apps import apps

    for name in ("ConditionalOffer", "Condition", "Benefit"):
        model = apps.get_model("offer", name)
        uid = f"site-offers-{name}"
        post_save.connect(offers_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(offers_changed, sender=model, dispatch_uid=uid)
