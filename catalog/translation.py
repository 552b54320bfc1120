"""Catalogue texts kept in French, Arabic and English (django-modeltranslation).

Each field gets a column per language (``title_fr``, ``title_ar``, ``title_en``);
reading ``title`` gives the active language's text, or the French one while it
has none. Writers name the language columns (catalog.services): assigning
``title`` would write to whichever language happens to be active.
"""

from modeltranslation.translator import TranslationOptions, register

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
