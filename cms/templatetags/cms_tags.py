"""Template tags shared by the Oscar and Wagtail layouts: menu, languages, links."""

from dataclasses import dataclass, field

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info
from oscar.templatetags.category_tags import get_annotated_list
from wagtail.models import Page, Site

from cms import selectors
from shop.cache import catalogue_cached

register = template.Library()


def _per_request(request, key, compute):
    """Compute a value once per request and language (header and footer share it)."""
    cache = request.__dict__.setdefault("_cms_tags_cache", {})
    cache_key = (key, get_language())
    if cache_key not in cache:
        cache[cache_key] = compute()
    return cache[cache_key]


def _localized_home(request):
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    return _per_request(request, "home", lambda: site.root_page.localized.specific)


@register.simple_tag(takes_context=True)
def main_menu_pages(context):
    """Return the CMS pages of the main menu in the active language."""
    request = context.get("request")
    if request is None:
        return []
    return _per_request(
        request,
        "menu",
        lambda: selectors.menu_pages_get(home=_localized_home(request)),
    )


@register.simple_tag(takes_context=True)
def language_links(context):
    """Return one link per language that keeps the visitor on the same page.

    On a Wagtail page the link goes to its translation (or that language's home
    when it has none); elsewhere it is the same path under the other prefix.
    """
    request = context.get("request")
    page = context.get("page")
    if isinstance(page, Page):
        # The same for every visitor of the page: computed once per catalogue
        # version (pages bump it), language and host.
        host = request.get_host() if request else ""
        urls = catalogue_cached(
            "language-links",
            page.pk,
            host,
            compute=lambda: _translation_urls(page, request),
            sales_context=None,
        )
    else:
        urls = {
            code: translate_url(request.get_full_path(), code) if request else "/"
            for code, _name in settings.LANGUAGES
        }
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": urls[code],
                "is_current": code == current,
                "bidi": info["bidi"],
            }
        )
    return links


def _translation_urls(page, request) -> dict[str, str]:
    translations = {
        translation.locale.language_code: translation
        for translation in page.get_translations(inclusive=True)
        .live()
        .select_related("locale")
    }
    return {
        code: (
            translations[code].get_url(request) if code in translations else f"/{code}/"
        )
        for code, _name in settings.LANGUAGES
    }


@register.simple_tag(takes_context=True)
def cooperative_page_url(context, cooperative):
    """Return the URL of a cooperative's showcase page, or "" when it has none."""
    if cooperative is None:
        return ""
    request = context.get("request")
    cooperative_id = getattr(cooperative, "pk", cooperative)

    def compute():
        page = selectors.cooperative_page_get(
            cooperative_id=cooperative_id, language_code=get_language()
        )
        return page.get_url(request) if page else ""

    host = request.get_host() if request else ""
    return catalogue_cached(
        "cooperative-page-url",
        cooperative_id,
        host,
        compute=compute,
        sales_context=None,
    )


@dataclass(frozen=True)
class MenuCategory:
    name: str
    url: str
    children: list["MenuCategory"] = field(default_factory=list)


@register.simple_tag
def menu_categories() -> list[MenuCategory]:
    """Return the public top categories with their sub-categories, in tree order."""
    roots: list[MenuCategory] = []
    for node in get_annotated_list(depth=2):
        item = MenuCategory(name=node.name, url=node.get_absolute_url())
        if node["level"] == 0:
            roots.append(item)
        elif roots:
            roots[-1].children.append(item)
    return roots


@register.simple_tag(takes_context=True)
def product_card_of(context, product) -> selectors.ProductCard:
    """Return the listing card of a product, priced for the request's buyer."""
    return selectors.product_card_build(
        product=product, strategy=selectors.strategy_for(context.get("request"))
    )
