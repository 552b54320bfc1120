"""Catalogue texts kept in French, Arabic and English (django-modeltranslation).

Each field gets a column per language (``title_fr``, ``title_ar``, ``title_en``);
reading ``title`` gives the active language's text, or the French one while it
has none. Writers name the language columns (catalog.services): assigning
``title`` would write to whichever language happens to be active.
"""

from django.conf import settings
from modeltranslation.translator import TranslationOptions, register
from modeltranslation.utils import get_translation_fields

from catalog.models import (
    AttributeOption,
    Category,
    Cooperative,
    Product,
    ProductAttribute,
)


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ProductAttribute)
class ProductAttributeTranslation(TranslationOptions):
    fields = ("name",)


@register(AttributeOption)
class AttributeOptionTranslation(TranslationOptions):
    fields = ("option",)


@register(Cooperative)
class CooperativeTranslation(TranslationOptions):
    fields = ("name", "story")


def language_fields(fields: list[str], translated: tuple[str, ...]) -> list[str]:
    """Return a form's field list with each translated field replaced by its
    language columns ("title" → "title_fr", "title_ar", "title_en")."""
    names = []
    for name in fields:
        names += get_translation_fields(name) if name in translated else [name]
    return names


class FrenchRequiredMixin:
    """Make a form's French texts required (``french_required``): the other
    languages fall back to them."""

    french_required: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.french_required:
            field = self.fields.get(f"{name}_{settings.LANGUAGE_CODE}")
            if field is not None:
                field.required = True
