"""Keep product image renditions in step with the uploaded originals."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog import renditions
from catalog.models import ProductImage


@receiver(post_save, sender=ProductImage)
def product_image_renditions_make(sender, instance, **kwargs):
    name = instance.original.name
    if name and settings.PRODUCT_IMAGE_RENDITIONS_ON_UPLOAD:
        # After commit: a rolled-back upload leaves no files, and the upload
        # request is not held while the widths are written.
        transaction.on_commit(lambda: renditions.picture_get(name))


@receiver(post_delete, sender=ProductImage)
def product_image_renditions_delete(sender, instance, **kwargs):
    name = instance.original.name
    if name:
        transaction.on_commit(lambda: renditions.renditions_delete(name))
