"""sitemap.xml sections: every public page in each language it exists in.

Each URL lists its alternates in the other languages and an x-default (the
French page), as the page heads do. Product pages are split into pages of
SITEMAP_PAGE_SIZE products read with LIMIT/OFFSET, so 10,000 products never
load at once.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import get_language
from wagtail.models import Page

from catalog.models import Category, Product
from cms.models import ArticlePage, CooperativePage, StorePage

SITEMAP_PAGE_SIZE = 2000


class _LanguagePaginator(Paginator):
    """Paginate items; each page holds its items once per language they exist in."""

    def __init__(self, items, per_page, languages_for):
        super().__init__(items, per_page)
        self.languages_for = languages_for

    def _get_page(self, object_list, number, paginator):
        pairs = [
            (item, code) for item in object_list for code in self.languages_for(item)
        ]
        return super()._get_page(pairs, number, paginator)


class _Sitemap(Sitemap):
    i18n = True
    alternates = True
    items_per_page = SITEMAP_PAGE_SIZE

    def __init__(self, request):
        self.request = request

    @property
    def paginator(self):
        return _LanguagePaginator(
            self.items(), self.items_per_page, self.get_languages_for_item
        )

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            default = [
                alternate["location"]
                for alternate in url["alternates"]
                if alternate["lang_code"] == settings.LANGUAGE_CODE
            ]
            if default:
                url["alternates"].append(
                    {"location": default[0], "lang_code": "x-default"}
                )
        return urls


class ProductSitemap(_Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Product.objects.filter(is_public=True)
            .exclude(structure=Product.CHILD)
            .order_by("pk")
            .values_list("pk", "slug", "date_updated", named=True)
        )

    def location(self, item):
        return reverse(
            "catalogue:detail", kwargs={"product_slug": item.slug, "pk": item.pk}
        )

    def lastmod(self, item):
        return item.date_updated


class CategorySitemap(_Sitemap):
    changefreq = "weekly"

    def items(self):
        categories = list(
            Category.objects.filter(is_public=True, ancestors_are_public=True)
            .order_by("path")
            .values_list("pk", "path", "slug", named=True)
        )
        # Full slugs from the tree paths: no query per category.
        slugs = {category.path: category.slug for category in categories}
        step = Category.steplen
        return [
            (
                category.pk,
                "/".join(
                    slugs[category.path[:end]]
                    for end in range(step, len(category.path) + 1, step)
                ),
            )
            for category in categories
        ]

    def location(self, item):
        pk, full_slug = item
        return reverse(
            "catalogue:category", kwargs={"category_slug": full_slug, "pk": pk}
        )


class _PageSitemap(_Sitemap):
    """Wagtail pages of one kind, one item per page and its translations.

    Only live, public translations appear: a page not translated into Arabic
    has no Arabic URL and announces none.
    """

    page_model = Page

    def pages(self):
        return self.page_model.objects.live().public().filter(depth__gt=1)

    def items(self):
        groups: dict = {}
        for page in self.pages().select_related("locale").order_by("path"):
            url = page.get_url(self.request)
            if url:
                group = groups.setdefault(page.translation_key, {})
                group[page.locale.language_code] = (url, page.last_published_at)
        return list(groups.values())

    def get_languages_for_item(self, item):
        return [code for code, _name in settings.LANGUAGES if code in item]

    def location(self, item):
        return item[get_language()][0]

    def lastmod(self, item):
        return item[get_language()][1]


class CooperativeSitemap(_PageSitemap):
    page_model = CooperativePage

    def pages(self):
        return super().pages().filter(cooperative__status="active")


class StoreSitemap(_PageSitemap):
    page_model = StorePage


class ArticleSitemap(_PageSitemap):
    page_model = ArticlePage


class OtherPageSitemap(_PageSitemap):
    """Home, sections and editorial pages."""

    def pages(self):
        return super().pages().not_type(CooperativePage, StorePage, ArticlePage)


SECTIONS = {
    "products": ProductSitemap,
    "categories": CategorySitemap,
    "cooperatives": CooperativeSitemap,
    "stores": StoreSitemap,
    "articles": ArticleSitemap,
    "pages": OtherPageSitemap,
}
