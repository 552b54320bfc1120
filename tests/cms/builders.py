"""Build a small showcase page tree (fr with ar translations) for tests."""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from wagtail.models import Locale, Page, Site

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    CooperativeIndexPage,
    CooperativePage,
    HomePage,
    StandardPage,
    StoreIndexPage,
    StorePage,
)
from shop.partner.models import OpeningPeriod
from tests.factories import (
    CertificationFactory,
    CooperativeFactory,
    PilotStoreFactory,
    ProductFactory,
    StockRecordFactory,
)

ALL_DAY = (datetime.time(0, 0), datetime.time(23, 59, 59, 999999))


@dataclass
class Showcase:
    home: HomePage
    store_index: StoreIndexPage
    store_page: StorePage
    cooperative_index: CooperativeIndexPage
    cooperative_page: CooperativePage
    article_index: ArticleIndexPage
    article: ArticlePage
    standard: StandardPage
    store: object
    cooperative: object
    product: object
    ar: dict


def stream(*blocks) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def locales() -> dict[str, Locale]:
    return {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code in ("fr", "ar", "en")
    }


def root_page() -> Page:
    """Return Wagtail's root page, recreating it after a transactional flush."""
    return Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locales()["fr"])
    )


def migration_rows_ensure() -> None:
    """Put back the rows data migrations create (a transactional test's flush
    removes them): the Django site, locales, Wagtail's root page and root
    collection, the shipping countries and cold-chain cities."""
    from django.conf import settings
    from django.contrib.sites.models import Site as DjangoSite
    from wagtail.models import Collection

    from shop.shipping.services import (
        cold_chain_cities_ensure,
        shipping_countries_ensure,
    )

    DjangoSite.objects.get_or_create(
        id=settings.SITE_ID, defaults={"domain": "example.com", "name": "example"}
    )
    locales()
    root_page()
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    shipping_countries_ensure()
    cold_chain_cities_ensure()


def site_home(**fields) -> HomePage:
    """Create a French home page and make it the default site's root."""
    home = HomePage(slug="accueil", locale=locales()["fr"], **fields)
    root_page().add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


def publish(page):
    page.save_revision().publish()
    return page


def child(parent, page):
    parent.add_child(instance=page)
    return publish(page)


def translate(page, code="ar", **fields):
    translation = page.copy_for_translation(locales()[code]).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    return publish(translation)


def always_open(store):
    for weekday in range(7):
        OpeningPeriod.objects.create(
            partner=store, weekday=weekday, opens=ALL_DAY[0], closes=ALL_DAY[1]
        )


def showcase_tree() -> Showcase:
    """Home, one page of every type, a store, a cooperative with a product; ar too."""
    cooperative = CooperativeFactory(
        name="Coopérative Souktana du safran", members=40, women_members=32
    )
    CertificationFactory(cooperative=cooperative, name="Safran de Taliouine")
    product = ProductFactory(
        title="Safran de Taliouine 1 g",
        cooperative=cooperative,
        stockrecords__price=Decimal("120.00"),
    )
    store = PilotStoreFactory(name="Boutique Terroir Casablanca", city="Casablanca")
    always_open(store)
    StockRecordFactory(
        product=product, partner=store, price=Decimal("110.00"), num_in_stock=3
    )

    home = site_home(
        title="Terroir du Maroc",
        hero_title="Le meilleur des coopératives",
        body=stream(
            ("product_list", {"heading": "Nos produits", "products": [product.pk]}),
            (
                "cooperative_list",
                {"heading": "Nos coopératives", "cooperatives": [cooperative.pk]},
            ),
        ),
    )
    publish(home)
    store_index = child(
        home,
        StoreIndexPage(title="Nos boutiques", slug="boutiques", show_in_menus=True),
    )
    store_page = child(
        store_index,
        StorePage(
            title="Boutique de Casablanca",
            slug="casablanca",
            partner=store,
            intro="Au cœur de Casablanca.",
            body=stream(
                (
                    "event",
                    {
                        "title": "Dégustation d'amlou",
                        "date": "2026-12-05",
                        "starts_at": "17:00:00",
                        "description": "",
                    },
                )
            ),
        ),
    )
    cooperative_index = child(
        home,
        CooperativeIndexPage(
            title="Les coopératives", slug="cooperatives", show_in_menus=True
        ),
    )
    cooperative_page = child(
        cooperative_index,
        CooperativePage(
            title=cooperative.name,
            slug="souktana",
            cooperative=cooperative,
            intro="Le safran cueilli à l'aube.",
        ),
    )
    article_index = child(
        home, ArticleIndexPage(title="Recettes", slug="articles", show_in_menus=True)
    )
    article = child(
        article_index,
        ArticlePage(
            title="Comment reconnaître un vrai safran",
            slug="vrai-safran",
            kind=ArticlePage.Kind.GUIDE,
            intro="Quatre indices.",
            body=stream(
                ("paragraph", "<p>Le vrai safran colore l'eau lentement.</p>"),
                ("product", {"product": product.pk}),
                ("quote", {"text": "Cent cinquante fleurs.", "attribution": "Aïcha"}),
            ),
        ),
    )
    standard = child(home, StandardPage(title="Qui sommes-nous", slug="a-propos"))

    ar = {"home": translate(home, title="تيروار المغرب", hero_title="أجود التعاونيات")}
    ar["store_index"] = translate(store_index, title="متاجرنا")
    ar["store_page"] = translate(store_page, title="متجر الدار البيضاء")
    ar["cooperative_index"] = translate(cooperative_index, title="التعاونيات")
    ar["cooperative_page"] = translate(cooperative_page, title="تعاونية سوكتانة")
    return Showcase(
        home=HomePage.objects.get(pk=home.pk),
        store_index=store_index,
        store_page=store_page,
        cooperative_index=cooperative_index,
        cooperative_page=cooperative_page,
        article_index=article_index,
        article=article,
        standard=standard,
        store=store,
        cooperative=cooperative,
        product=product,
        ar=ar,
    )
