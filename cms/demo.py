"""Build the demo showcase page tree in French, Arabic and English.

Called by `manage.py load_demo` after the catalogue is loaded. Idempotent: pages
are found again by slug under their parent and translations by locale, then
updated and republished. Content comes from cms/demo_pages.yaml.
"""

import datetime
import json
import logging
from contextlib import contextmanager
from pathlib import Path

import yaml
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, Site

from catalog.models import Cooperative
from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    CooperativeIndexPage,
    CooperativePage,
    HomePage,
    StoreIndexPage,
    StorePage,
)
from shop.partner.models import Partner, StockRecord

SOURCE = Path(__file__).with_name("demo_pages.yaml")
TRANSLATIONS = ("ar", "en")


def _stream(*blocks) -> str:
    return json.dumps(
        [{"type": kind, "value": value} for kind, value in blocks if value is not None]
    )


def _paragraphs(texts) -> list:
    return [("paragraph", "".join(f"<p>{text}</p>" for text in texts))]


def _product_ids(skus) -> list[int]:
    by_sku = dict(
        StockRecord.objects.filter(partner_sku__in=skus).values_list(
            "partner_sku", "product_id"
        )
    )
    return [by_sku[sku] for sku in skus if sku in by_sku]


def _publish(page):
    page.save_revision().publish()
    return page


def _upsert_child(parent, model, slug, fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    return _publish(page)


def _upsert_translation(page, locale, fields):
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale)
    translation = translation.specific
    for name, value in fields.items():
        setattr(translation, name, value)
    return _publish(translation)


def _in_every_language(page, fields_for):
    """Publish the French page's Arabic and English translations; map code → page."""
    pages = {"fr": page}
    for code in TRANSLATIONS:
        locale = Locale.objects.get(language_code=code)
        pages[code] = _upsert_translation(page, locale, fields_for(code))
    return pages


def _home(spec, locale):
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(depth=2, locale=locale).first()
    fields = _home_fields(spec, "fr", stores_page_id=None)
    if home is None:
        home = HomePage(slug=spec["slug"], locale=locale, **fields)
        root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="localhost", port=80, is_default_site=True
    )
    site.root_page = home
    site.site_name = spec["fr"]["title"]
    site.save()
    # Wagtail's own "Welcome" page is a plain Page at the top of a fresh site.
    plain_page = ContentType.objects.get_for_model(Page)
    for welcome in Page.objects.filter(depth=2, content_type=plain_page):
        welcome.delete()
    return home


def _home_fields(spec, code, stores_page_id):
    text = spec[code]
    return {
        "title": text["title"],
        "hero_title": text["hero_title"],
        "hero_text": text["hero_text"],
        "body": _stream(
            (
                "product_list",
                {
                    "heading": text["featured_heading"],
                    "products": _product_ids(spec["featured_products"]),
                },
            ),
            (
                "cooperative_list",
                {
                    "heading": text["cooperatives_heading"],
                    "cooperatives": list(
                        Cooperative.objects.filter(
                            slug__in=spec["featured_cooperatives"]
                        ).values_list("pk", flat=True)
                    ),
                },
            ),
            (
                "call_to_action",
                {
                    "title": text["cta_title"],
                    "text": text["cta_text"],
                    "button_label": text["cta_button"],
                    "page": stores_page_id,
                    "url": "",
                },
            )
            if stores_page_id
            else ("call_to_action", None),
        ),
    }


def _index(home, model, spec):
    index = _upsert_child(
        home,
        model,
        spec["slug"],
        {"title": spec["fr"]["title"], "intro": spec["fr"]["intro"]},
    )
    index.show_in_menus = True
    _publish(index)
    return _in_every_language(
        index,
        lambda code: {
            "title": spec[code]["title"],
            "intro": spec[code]["intro"],
            "show_in_menus": True,
        },
    )


def _store_fields(spec, code, city):
    text = spec["store"][code]
    local_city = city if code == "fr" else spec["cities"].get(city, {}).get(code, city)
    event_day = timezone.localdate() + datetime.timedelta(days=14)
    return {
        "title": text["title"].format(city=local_city),
        "intro": text["intro"].format(city=local_city),
        "body": _stream(
            (
                "event",
                {
                    "title": text["event_title"],
                    "date": event_day.isoformat(),
                    "starts_at": "17:00:00",
                    "description": text["event_description"],
                },
            )
        ),
    }


def _stores(indexes, spec, stdout):
    stores = Partner.objects.filter(kind=Partner.Kind.PILOT_STORE).order_by("name")
    if not stores:
        stdout.write(_("  no pilot store in the database: store pages skipped"))
    for partner in stores:
        page = _upsert_child(
            indexes["fr"],
            StorePage,
            slugify(partner.city or partner.name),
            {"partner": partner, **_store_fields(spec, "fr", partner.city)},
        )
        _in_every_language(
            page, lambda code, city=partner.city: _store_fields(spec, code, city)
        )
    return len(stores)


def _cooperative_fields(spec, code, cooperative):
    facts = spec[code]["facts"].format(
        members=cooperative.members,
        women_members=cooperative.women_members,
        founded_year=cooperative.founded_year or "—",
        city=cooperative.city,
    )
    story = [cooperative.story] if code == "fr" and cooperative.story else []
    return {
        "title": cooperative.name,
        "intro": facts,
        "body": _stream(*_paragraphs([*story, facts])),
    }


def _cooperatives(indexes, spec, featured_slugs):
    featured = list(Cooperative.objects.filter(slug__in=featured_slugs))
    others = Cooperative.objects.active().exclude(slug__in=featured_slugs)
    # By slug: "name" is the active language's (django-modeltranslation), and
    # a build run in English then French chose other cooperatives each time.
    chosen = featured + list(others.order_by("slug")[: spec["count"] - len(featured)])
    for cooperative in chosen:
        page = _upsert_child(
            indexes["fr"],
            CooperativePage,
            cooperative.slug,
            {
                "cooperative": cooperative,
                **_cooperative_fields(spec, "fr", cooperative),
            },
        )
        _in_every_language(
            page,
            lambda code, coop=cooperative: _cooperative_fields(spec, code, coop),
        )
    return len(chosen)


def _article_fields(item, code):
    text = item[code]
    products = _product_ids(item["products"])
    return {
        "title": text["title"],
        "intro": text["intro"],
        "kind": item["kind"],
        "date": item["date"],
        "body": _stream(
            *_paragraphs(text["body"]),
            ("quote", {"text": text["quote"], "attribution": text["quote_by"]}),
            (
                "product_list",
                {"heading": "", "products": products} if products else None,
            ),
        ),
    }


def _articles(indexes, spec):
    for item in spec["items"]:
        page = _upsert_child(
            indexes["fr"], ArticlePage, item["slug"], _article_fields(item, "fr")
        )
        _in_every_language(page, lambda code, item=item: _article_fields(item, code))
    return len(spec["items"])


@contextmanager
def _quiet_page_log():
    """Silence Wagtail's per-page "Published" log lines; the steps report instead."""
    logger = logging.getLogger("wagtail")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def build_demo_pages(stdout) -> None:
    """Build (or refresh) the home, stores, cooperatives and articles in fr/ar/en."""
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    for code in ("fr", *TRANSLATIONS):
        Locale.objects.get_or_create(language_code=code)
    with _quiet_page_log(), transaction.atomic():
        stdout.write(_("Showcase pages: home…"))
        home = _home(data["home"], Locale.objects.get(language_code="fr"))
        homes = _in_every_language(
            home, lambda code: _home_fields(data["home"], code, stores_page_id=None)
        )
        stdout.write(_("Showcase pages: stores…"))
        store_indexes = _index(home, StoreIndexPage, data["stores"])
        store_count = _stores(store_indexes, data["stores"], stdout)
        stdout.write(_("Showcase pages: cooperatives…"))
        coop_indexes = _index(home, CooperativeIndexPage, data["cooperatives"])
        coop_count = _cooperatives(
            coop_indexes, data["cooperatives"], data["home"]["featured_cooperatives"]
        )
        stdout.write(_("Showcase pages: articles…"))
        article_count = _articles(
            _index(home, ArticleIndexPage, data["articles"]), data["articles"]
        )
        # The home's call to action points at its own language's store index.
        for code, localized_home in homes.items():
            # Reload: the tree grew under this page since it was loaded.
            fresh = HomePage.objects.get(pk=localized_home.pk)
            for name, value in _home_fields(
                data["home"], code, stores_page_id=store_indexes[code].pk
            ).items():
                setattr(fresh, name, value)
            _publish(fresh)
    stdout.write(
        _(
            "Showcase pages ready in fr, ar, en: home, %(stores)s stores, "
            "%(cooperatives)s cooperatives, %(articles)s articles."
        )
        % {"stores": store_count, "cooperatives": coop_count, "articles": article_count}
    )
