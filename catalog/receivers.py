"""Keep product image renditions in step with the uploaded originals, and
staff rich text clean whatever saves it."""

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from catalog import renditions
from catalog.models import ProductImage
from catalog.sanitising import RICH_TEXT_FIELDS, rich_text_sanitise


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


def staff_rich_text_sanitise(sender, instance, **kwargs):
    # Dashboard forms, the catalogue import, the admin and the demo all save.
    rich_text_sanitise(instance=instance)


for label in RICH_TEXT_FIELDS:
    pre_save.connect(
        staff_rich_text_sanitise,
        sender=apps.get_model(label),
        dispatch_uid=f"rich-text-sanitise-{label}",
    )
