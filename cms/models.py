"""Showcase pages: thin, declarative Wagtail models; reads live in cms.selectors."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from catalog.models import Certification, Region
from cms import blocks, selectors
from shop.cache import catalogue_cached
from shop.sales.selectors import sales_context_get


def intro_field():
    return models.TextField(_("introduction"), blank=True)


def hero_image_field(verbose_name=None):
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=verbose_name or _("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class IndexPage(Page):
    """A section of the home page (one of each kind) listing its child pages."""

    intro = intro_field()
    hero_image = hero_image_field()
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True


class HomePage(Page):
    """The storefront's home page."""

    hero_title = models.CharField(_("hero title"), max_length=200, blank=True)
    hero_text = RichTextField(_("hero text"), blank=True)
    hero_image = hero_image_field(_("hero image"))
    body = StreamField(
        blocks.HomeStreamBlock(), verbose_name=_("body"), blank=True, default=list
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = catalogue_cached(
            "latest-articles",
            self.locale_id,
            compute=lambda: selectors.article_pages_latest(locale=self.locale),
            sales_context=None,
        )
        moment = _this_minute()
        context["stores"] = catalogue_cached(
            "store-directory",
            self.locale_id,
            moment.isoformat(),
            compute=lambda: selectors.store_pages_directory(
                locale=self.locale, moment=moment
            ),
            sales_context=None,
        )
        return context


def _this_minute():
    """Return the current time truncated to the minute.

    Opening hours are set to the minute, so "open now" computed for the start
    of a minute holds for all of it and can be shared by its requests.
    """
    return timezone.now().replace(second=0, microsecond=0)


class StandardPage(Page):
    """A plain editorial page (about us, delivery, legal notices)."""

    intro = intro_field()
    hero_image = hero_image_field()
    body = StreamField(
        blocks.ArticleStreamBlock(), verbose_name=_("body"), blank=True, default=list
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class StoreIndexPage(IndexPage):
    """The store locator: every pilot store with address, phone and hours."""

    subpage_types = ["cms.StorePage"]

    class Meta:
        verbose_name = _("store index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["stores"] = selectors.store_pages_directory(
            locale=self.locale, moment=timezone.now()
        )
        return context


class StorePage(Page):
    """A pilot store: where it is, when it opens, what is on its shelves."""

    intro = intro_field()
    hero_image = hero_image_field()
    partner = models.ForeignKey(
        "partner.Partner",
        verbose_name=_("pilot store"),
        on_delete=models.PROTECT,
        related_name="store_pages",
        limit_choices_to={"kind": "pilot_store"},
        help_text=_("The stock location whose hours and shelves this page shows."),
    )
    body = StreamField(
        blocks.StoreStreamBlock(), verbose_name=_("body"), blank=True, default=list
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("partner"),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.StoreIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("store page")

    def clean(self):
        super().clean()
        if self.partner_id and not self.partner.is_store:
            raise ValidationError({"partner": _("Choose a pilot store.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        moment = _this_minute()
        context["store"] = catalogue_cached(
            "store-info",
            self.partner_id,
            moment.isoformat(),
            compute=lambda: selectors.stores_get(
                partner_ids=[self.partner_id], moment=moment
            ).get(self.partner_id),
            sales_context=None,
        )
        context["products"] = catalogue_cached(
            "store-products",
            self.partner_id,
            compute=lambda: selectors.store_products_available(
                partner_id=self.partner_id
            ),
            sales_context=sales_context_get(request=request),
        )
        return context


class CooperativeFilterForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("All regions")), *Region.choices],
    )
    label = forms.ChoiceField(
        label=_("Label"),
        required=False,
        choices=[("", _("All labels")), *Certification.Scheme.choices],
    )


class CooperativeIndexPage(IndexPage):
    """All cooperatives, filterable by region and by valid label."""

    subpage_types = ["cms.CooperativePage"]

    class Meta:
        verbose_name = _("cooperative index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = CooperativeFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        context["filter_form"] = form
        context["cooperative_pages"] = selectors.cooperative_pages_filter(
            parent=self,
            region=filters.get("region", ""),
            scheme=filters.get("label", ""),
        )
        return context


class CooperativePage(Page):
    """A cooperative's story, with its labels and live products."""

    intro = intro_field()
    hero_image = hero_image_field()
    cooperative = models.ForeignKey(
        "catalogue.Cooperative",
        verbose_name=_("cooperative"),
        on_delete=models.PROTECT,
        related_name="pages",
    )
    body = StreamField(
        blocks.CooperativeStreamBlock(),
        verbose_name=_("story"),
        blank=True,
        default=list,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("cooperative"),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.CooperativeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("cooperative page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["showcase"] = catalogue_cached(
            "cooperative-showcase",
            self.cooperative_id,
            compute=lambda: selectors.cooperative_showcase_get(
                cooperative_id=self.cooperative_id
            ),
            sales_context=None,
        )
        # Prices and stock come from the shop's strategy, the same for every
        # visitor, so the cards are shared until the catalogue changes. Lazy:
        # the template reads them only when its cached product grid is stale.
        context["products"] = SimpleLazyObject(
            lambda: catalogue_cached(
                "cooperative-products",
                self.cooperative_id,
                compute=lambda: selectors.cooperative_product_cards_get(
                    cooperative_id=self.cooperative_id,
                    strategy=selectors.strategy_for(request),
                ),
                sales_context=sales_context_get(request=request),
            )
        )
        return context


class ArticleIndexPage(IndexPage):
    """Recipes, news and guides, newest first."""

    subpage_types = ["cms.ArticlePage"]

    class Meta:
        verbose_name = _("article index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("kind", "")
        kind = kind if kind in ArticlePage.Kind.values else ""
        context["kind"] = kind
        context["kinds"] = ArticlePage.Kind.choices
        context["articles"] = selectors.article_pages_list(parent=self, kind=kind)
        return context


class ArticlePage(Page):
    """A recipe, a news item or a buying guide."""

    intro = intro_field()
    hero_image = hero_image_field()

    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide")
        RECIPE = "recipe", _("Recipe")
        NEWS = "news", _("News")

    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.GUIDE
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    body = StreamField(
        blocks.ArticleStreamBlock(), verbose_name=_("body"), blank=True, default=list
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("kind"),
    ]

    parent_page_types = ["cms.ArticleIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
