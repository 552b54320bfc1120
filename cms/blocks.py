"""StreamField blocks for the showcase pages.

Product and cooperative blocks store only an id and resolve it at render time
through the selectors, so a deleted or unavailable product renders nothing.
"""

import datetime

from django.db.models import Model
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from cms import selectors
from cms.choosers import cooperative_chooser_viewset, product_chooser_viewset
from shop.cache import catalogue_cached
from shop.sales.selectors import sales_context_get


def _as_id(value) -> int | None:
    if isinstance(value, Model):
        return value.pk
    if value in (None, ""):
        return None
    return int(value)


class IdChooserMixin:
    """Keep a chooser's value as the chosen object's id, never a loaded object."""

    def to_python(self, value):
        return _as_id(value)

    def bulk_to_python(self, values):
        return [_as_id(value) for value in values]

    def normalize(self, value):
        return _as_id(value)

    def get_prep_value(self, value):
        return _as_id(value)

    def value_from_form(self, value):
        return _as_id(value)

    def clean(self, value):
        return self.get_prep_value(super().clean(value))

    def extract_references(self, value):
        if value:
            yield self.model_class, str(value), "", ""


class ProductChooserBlock(
    IdChooserMixin,
    product_chooser_viewset.get_block_class(
        name="BaseProductChooserBlock", module_path="cms.blocks"
    ),
):
    class Meta:
        icon = "tag"


class CooperativeChooserBlock(
    IdChooserMixin,
    cooperative_chooser_viewset.get_block_class(
        name="BaseCooperativeChooserBlock", module_path="cms.blocks"
    ),
):
    class Meta:
        icon = "group"


def _strategy(parent_context):
    return selectors.strategy_for((parent_context or {}).get("request"))


def _product_cards(product_ids, parent_context):
    # Cards show prices: shared by the visitors of one pricing key until the
    # catalogue changes.
    request = (parent_context or {}).get("request")
    return catalogue_cached(
        "product-cards",
        *product_ids,
        compute=lambda: selectors.product_cards_get(
            product_ids=product_ids, strategy=_strategy(parent_context)
        ),
        sales_context=sales_context_get(request=request),
    )


def _cooperative_cards(cooperative_ids):
    return catalogue_cached(
        "cooperative-cards",
        *cooperative_ids,
        compute=lambda: selectors.cooperative_cards_get(
            cooperative_ids=cooperative_ids, language_code=get_language()
        ),
        sales_context=None,
    )


class ParagraphBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph_block.html"
        preview_value = (
            "<p>Argan trees grow only in the south-west of Morocco; the women of "
            "the cooperatives crack the nuts by hand.</p>"
        )
        description = _("Text with headings, lists and links")


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        help_text=_("Describe the image for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        description = _("An image with a caption")


class GalleryBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(CaptionedImageBlock(), **kwargs)

    class Meta:
        icon = "doc-full-inverse"
        template = "blocks/gallery_block.html"
        description = _("Several photos side by side")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "Our oil is pressed the day the kernels are roasted.",
            "attribution": "Fatima, Tifaout cooperative",
        }
        description = _("A quotation with its author")


class ProductBlock(blocks.StructBlock):
    product = ProductChooserBlock(label=_("product"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        cards = _product_cards([value["product"]], parent_context)
        context["card"] = cards[0] if cards else None
        return context

    def get_preview_value(self):
        strategy = _strategy(None)
        return self.to_python(
            {"product": selectors.product_first_available_id(strategy=strategy)}
        )

    class Meta:
        icon = "tag"
        template = "blocks/product_block.html"
        description = _("One product, live from the catalogue")


class ProductListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False)
    products = blocks.ListBlock(ProductChooserBlock(), label=_("products"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["cards"] = _product_cards(list(value["products"]), parent_context)
        return context

    def get_preview_value(self):
        strategy = _strategy(None)
        product_id = selectors.product_first_available_id(strategy=strategy)
        return self.to_python(
            {"heading": "Featured products", "products": [product_id]}
        )

    class Meta:
        icon = "list-ul"
        template = "blocks/product_list_block.html"
        description = _("Several products, live from the catalogue")


class CooperativeBlock(blocks.StructBlock):
    cooperative = CooperativeChooserBlock(label=_("cooperative"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        cards = _cooperative_cards([value["cooperative"]])
        context["card"] = cards[0] if cards else None
        return context

    def get_preview_value(self):
        return self.to_python({"cooperative": selectors.cooperative_first_active_id()})

    class Meta:
        icon = "group"
        template = "blocks/cooperative_block.html"
        description = _("A cooperative, with a link to its page")


class CooperativeListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False)
    cooperatives = blocks.ListBlock(CooperativeChooserBlock(), label=_("cooperatives"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["cards"] = _cooperative_cards(list(value["cooperatives"]))
        return context

    def get_preview_value(self):
        return self.to_python(
            {
                "heading": "Our cooperatives",
                "cooperatives": [selectors.cooperative_first_active_id()],
            }
        )

    class Meta:
        icon = "group"
        template = "blocks/cooperative_list_block.html"
        description = _("Several cooperatives, with links to their pages")


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    text = blocks.TextBlock(label=_("text"), required=False)
    button_label = blocks.CharBlock(label=_("button label"))
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(
        label=_("or address"),
        required=False,
        help_text=_("Used when no page is chosen."),
    )

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": blocks.BlockValidationError(
                        _("Choose a page or enter an address.")
                    )
                }
            )
        return value

    class Meta:
        icon = "pick"
        template = "blocks/call_to_action_block.html"
        preview_value = {
            "title": "Visit our pilot stores",
            "text": "Taste before you buy, in Casablanca and Marrakech.",
            "button_label": "Find a store",
            "url": "https://terroir.ma/",
        }
        description = _("A short invitation with a button")


class EventBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    date = blocks.DateBlock(label=_("date"))
    starts_at = blocks.TimeBlock(label=_("starts at"), required=False)
    description = blocks.TextBlock(label=_("description"), required=False)

    class Meta:
        icon = "date"
        template = "blocks/event_block.html"
        preview_value = {
            "title": "Amlou tasting",
            "date": datetime.date(2026, 12, 5),
            "starts_at": datetime.time(17, 0),
            "description": "Taste three amlou recipes with the Tafraout cooperative.",
        }
        description = _("A dated event in a store")


class ArticleStreamBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    gallery = GalleryBlock()
    quote = QuoteBlock()
    product = ProductBlock()
    product_list = ProductListBlock()
    cooperative = CooperativeBlock()
    call_to_action = CallToActionBlock()


class HomeStreamBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    product_list = ProductListBlock()
    cooperative_list = CooperativeListBlock()
    call_to_action = CallToActionBlock()


class StoreStreamBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    gallery = GalleryBlock()
    event = EventBlock()
    quote = QuoteBlock()


class CooperativeStreamBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    gallery = GalleryBlock()
    quote = QuoteBlock()
    product_list = ProductListBlock()
