"""What search engines and link previews read in a page's head.

One `PageHead` per render: title, description, canonical URL, the page in each
language (the same per-language URLs the language switcher links to, but only
languages the page really exists in), robots directive and schema.org data.
Everything that needs the database is cached per catalogue version, so a warm
render adds no query.
"""

import html
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse, translate_url
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext
from wagtail.models import Page

from cms.selectors import strategy_for
from shop.cache import catalogue_cached
from shop.sales.selectors import sales_context_get

# Pages of someone's own basket, checkout or account, staff tools and search
# results: never worth a search engine's index.
NOINDEX_NAMESPACES = frozenset(
    {"basket", "checkout", "customer", "dashboard", "search", "instore", "wishlists"}
)
# Professionals' pages are private but for the public presentation.
PRIVATE_SECTIONS = {"wholesale": frozenset({"home", "apply"})}
DESCRIPTION_LENGTH = 160
OG_LOCALES = {"fr": "fr_MA", "ar": "ar_MA", "en": "en_GB"}
SCHEMA = "https://schema.org/"


@dataclass(frozen=True)
class PageHead:
    title: str
    description: str
    language: str
    noindex: bool
    canonical: str = ""
    alternates: dict[str, str] = field(default_factory=dict)
    og_type: str = "website"
    image: str = ""
    structured_data: list[dict] = field(default_factory=list)

    @property
    def og_locale(self) -> str:
        return OG_LOCALES.get(self.language, self.language)

    @property
    def og_locale_alternates(self) -> list[str]:
        return [OG_LOCALES.get(code, code) for code in self.alternates]

    @property
    def json_ld(self) -> list[str]:
        """Each schema.org object as JSON that cannot close its <script> element."""
        return [json_for_script(data) for data in self.structured_data]


_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_for_script(data) -> str:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return text.translate(_SCRIPT_ESCAPES)


def plain_text(rendered: str) -> str:
    """Return rendered template text as plain text on one line."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(rendered))).strip()


def page_head_build(
    *, request, context, title: str = "", description: str = ""
) -> PageHead:
    """Return the head of the page being rendered from its template context."""
    language = get_language() or settings.LANGUAGE_CODE
    # Django's error views pass the exception: a 404 or 403 page is no page.
    noindex = request is None or "exception" in context or _is_private(request)
    page = context.get("page")
    page = page if isinstance(page, Page) else None
    product = context.get("product")
    category = context.get("category")
    description = _short(description or _fallback_description(page, product))
    head = {
        "title": title,
        "description": description,
        "language": language,
        "noindex": noindex,
    }
    if noindex:
        return PageHead(**head)
    canonical = request.build_absolute_uri(_canonical_path(request))
    data = []
    if page is not None:
        facts = _page_facts(request, page)
        alternates, data = facts["alternates"], facts["structured_data"]
        head["og_type"] = "article" if facts["is_article"] else "website"
        data = [_with_store(item, context.get("store"), canonical) for item in data]
    else:
        alternates = _shop_alternates(request)
    if product is not None and _is_product_page(request):
        facts = _product_facts(request, product)
        head["image"] = facts["image"]
        head["og_type"] = "product"
        data = facts["structured_data"]
    elif category is not None and hasattr(category, "get_ancestors_and_self"):
        data = [_category_breadcrumbs(request, category)]
    return PageHead(
        **head,
        canonical=canonical,
        alternates={code: request.build_absolute_uri(url) for code, url in alternates},
        structured_data=data,
    )


def _is_private(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    namespaces = set(match.namespaces)
    if namespaces & NOINDEX_NAMESPACES:
        return True
    for namespace, public in PRIVATE_SECTIONS.items():
        if namespace in namespaces and match.url_name not in public:
            return True
    return False


def _is_product_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name.endswith("catalogue:detail")


def _short(text: str) -> str:
    return Truncator(text).chars(DESCRIPTION_LENGTH)


def _fallback_description(page, product) -> str:
    if product is not None and hasattr(product, "get_cooperative"):
        cooperative = product.get_cooperative()
        return ", ".join(filter(None, [product.get_title(), str(cooperative or "")]))
    if page is not None:
        intro = getattr(page, "intro", "") or plain_text(
            str(getattr(page, "hero_text", "") or "")
        )
        if intro:
            return plain_text(intro)
    return str(settings.OSCAR_SHOP_TAGLINE)


def _page_number(request) -> str:
    number = request.GET.get("page", "")
    # isascii(): "²" passes isdigit() but not int().
    return number if number.isascii() and number.isdigit() and int(number) > 1 else ""


def _canonical_path(request) -> str:
    """Return the page's own path: filters and sort orders are the same page."""
    number = _page_number(request)
    return f"{request.path}?page={number}" if number else request.path


def _shop_alternates(request) -> list[tuple[str, str]]:
    """Return the page under each language prefix, as the language switcher does."""
    if getattr(request, "resolver_match", None) is None:
        return []
    path = _canonical_path(request)
    return [(code, translate_url(path, code)) for code, _name in settings.LANGUAGES]


def _host(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _page_facts(request, page) -> dict:
    return catalogue_cached(
        "seo-page",
        page.pk,
        _host(request),
        compute=lambda: _page_facts_compute(request, page),
        sales_context=None,
    )


def _page_facts_compute(request, page) -> dict:
    """Return a Wagtail page's live translations and schema.org data.

    A translation not yet published is not announced: its URL would 404.
    """
    page = page.specific
    translations = {
        translation.locale.language_code: translation.get_url(request)
        for translation in page.get_translations(inclusive=True)
        .live()
        .public()
        .select_related("locale")
    }
    alternates = [
        (code, translations[code])
        for code, _name in settings.LANGUAGES
        if translations.get(code)
    ]
    url = request.build_absolute_uri(page.get_url(request))
    data = []
    kind = type(page).__name__
    if kind == "HomePage":
        data = _home_data(request, url)
    else:
        ancestors = page.get_ancestors(inclusive=True).filter(depth__gte=2).specific()
        data.append(
            _breadcrumbs(
                request,
                [(item.title, item.get_url(request)) for item in ancestors],
            )
        )
    if kind == "ArticlePage":
        data.append(
            {
                "@context": SCHEMA,
                "@type": "Article",
                "headline": page.title,
                "description": page.intro,
                "datePublished": page.date,
                "inLanguage": page.locale.language_code,
                "url": url,
                "publisher": _organization(request),
            }
        )
    if kind == "StorePage":
        data.append({"@context": SCHEMA, "@type": "Store", "name": page.title})
    return {
        "alternates": alternates,
        "structured_data": data,
        "is_article": kind == "ArticlePage",
    }


def _with_store(item: dict, store, url: str) -> dict:
    """Complete a Store object with the address and hours the page shows."""
    if item.get("@type") != "Store" or store is None:
        return item
    days = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    hours = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"{SCHEMA}{days[day.weekday % 7]}",
            "opens": opens.strftime("%H:%M"),
            "closes": closes.strftime("%H:%M"),
        }
        for day in store.opening_days
        for opens, closes in day.periods
    ]
    return {
        **item,
        "url": url,
        "telephone": store.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": store.address,
            "addressLocality": store.city,
            "addressCountry": "MA",
        },
        "openingHoursSpecification": hours,
    }


def _organization(request) -> dict:
    return {
        "@type": "Organization",
        "name": settings.OSCAR_SHOP_NAME,
        "url": request.build_absolute_uri(reverse("wagtail_serve", args=[""])),
    }


def _home_data(request, url: str) -> list[dict]:
    search = request.build_absolute_uri(reverse("search:search"))
    return [
        {"@context": SCHEMA, **_organization(request)},
        {
            "@context": SCHEMA,
            "@type": "WebSite",
            "name": settings.OSCAR_SHOP_NAME,
            "url": url,
            "inLanguage": get_language(),
            "potentialAction": {
                "@type": "SearchAction",
                "target": {
                    "@type": "EntryPoint",
                    "urlTemplate": f"{search}?q={{search_term_string}}",
                },
                "query-input": "required name=search_term_string",
            },
        },
    ]


def _breadcrumbs(request, trail: list[tuple[str, str]]) -> dict:
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def _home_crumb() -> tuple[str, str]:
    return (gettext("Home"), reverse("wagtail_serve", args=[""]))


def _category_trail(category) -> list[tuple[str, str]]:
    return [
        (item.name, item.get_absolute_url())
        for item in category.get_ancestors_and_self()
    ]


def _category_breadcrumbs(request, category) -> dict:
    return catalogue_cached(
        "seo-category",
        category.pk,
        _host(request),
        compute=lambda: _breadcrumbs(
            request,
            [_home_crumb(), *_category_trail(category)],
        ),
        sales_context=None,
    )


def _product_facts(request, product) -> dict:
    # Prices and availability differ between buyers (a store's counter, a
    # wholesale account): kept per pricing key.
    return catalogue_cached(
        "seo-product",
        product.pk,
        _host(request),
        compute=lambda: _product_facts_compute(request, product),
        sales_context=sales_context_get(request=request),
    )


def _product_facts_compute(request, product) -> dict:
    url = request.build_absolute_uri(product.get_absolute_url())
    image = product.primary_image()
    image_url = "" if isinstance(image, dict) else image.original.url
    image_url = request.build_absolute_uri(image_url) if image_url else ""
    cooperative = product.get_cooperative()
    data = {
        "@context": SCHEMA,
        "@type": "Product",
        "name": product.get_title(),
        "url": url,
        "offers": _offer(request, product, url),
    }
    description = _short(plain_text(product.get_meta_description() or ""))
    if description:
        data["description"] = description
    if product.upc:
        data["sku"] = product.upc
    if image_url:
        data["image"] = [image_url]
    if cooperative is not None:
        data["brand"] = {"@type": "Brand", "name": cooperative.name}
        data["manufacturer"] = {"@type": "Organization", "name": cooperative.name}
    category = product.get_categories().first()
    trail = [_home_crumb(), *(_category_trail(category) if category else [])]
    trail.append((product.get_title(), product.get_absolute_url()))
    return {
        "image": image_url,
        "structured_data": [data, _breadcrumbs(request, trail)],
    }


def _offer(request, product, url: str) -> dict:
    strategy = strategy_for(request)
    if product.is_parent:
        children = list(product.children.public())
        infos = [strategy.fetch_for_product(child) for child in children]
    else:
        infos = [strategy.fetch_for_product(product)]
    priced = [info for info in infos if info.price.exists]
    amounts = [
        info.price.incl_tax if info.price.is_tax_known else info.price.excl_tax
        for info in priced
    ]
    available = any(info.availability.is_available_to_buy for info in infos)
    availability = f"{SCHEMA}{'InStock' if available else 'OutOfStock'}"
    currency = priced[0].price.currency if priced else settings.OSCAR_DEFAULT_CURRENCY
    seller = _organization(request)
    if len(amounts) > 1:
        return {
            "@type": "AggregateOffer",
            "lowPrice": str(min(amounts)),
            "highPrice": str(max(amounts)),
            "offerCount": len(amounts),
            "priceCurrency": currency,
            "availability": availability,
            "url": url,
            "seller": seller,
        }
    offer = {
        "@type": "Offer",
        "priceCurrency": currency,
        "availability": availability,
        "url": url,
        "seller": seller,
    }
    if amounts:
        offer["price"] = str(amounts[0])
    return offer
