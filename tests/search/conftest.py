import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from search import services
from search.indexing import indexing_paused
from tests.factories import (
    CertificationFactory,
    CooperativeFactory,
    PilotStoreFactory,
    ProductFactory,
    StockRecordFactory,
    WarehouseFactory,
)

Category = get_model("catalogue", "Category")

# title, category path, cooperative key, region, price (MAD), extra
CATALOGUE = [
    (
        "Huile d'argane alimentaire bio",
        "Huiles/Argan",
        "tifaout",
        "souss-massa",
        "180.00",
        {"labels": ["igp", "organic"], "days_old": 30},
    ),
    (
        "Huile d'argane cosmétique",
        "Cosmétiques",
        "tifaout",
        "souss-massa",
        "150.00",
        {"labels": ["igp"], "days_old": 10},
    ),
    (
        "Huile d'olive vierge extra Tyout-Chiadma",
        "Huiles/Olive",
        "chiadma",
        "marrakech-safi",
        "95.00",
        {"labels": ["aop"]},
    ),
    (
        "Safran de Taliouine",
        "Épices",
        "taliouine",
        "souss-massa",
        "300.00",
        {"labels": ["aop"], "days_old": 2},
    ),
    ("Amlou aux amandes et miel", "Tartinables", "tifaout", "souss-massa", "85.00", {}),
    (
        "Miel d'euphorbe Tadla-Azilal",
        "Miels",
        "tadla",
        "beni-mellal-khenifra",
        "220.00",
        {"labels": ["organic"]},
    ),
    (
        "Miel de thym",
        "Miels",
        "tadla",
        "beni-mellal-khenifra",
        "120.00",
        {"expired_labels": ["organic"]},
    ),
    (
        "Dattes Majhoul de Tafilalet",
        "Fruits secs",
        "tafilalet",
        "draa-tafilalet",
        "140.00",
        {"labels": ["igp"]},
    ),
    (
        "Eau de rose de Kelâat M'Gouna",
        "Cosmétiques",
        "dades",
        "draa-tafilalet",
        "60.00",
        {"labels": ["igp"]},
    ),
    (
        "Fromage de chèvre de Chefchaouen",
        "Fromages",
        "chaouen",
        "tanger-tetouan-al-hoceima",
        "70.00",
        {"cold_chain": True, "labels": ["igp"]},
    ),
    (
        "Couscous beldi à l'orge",
        "Épicerie",
        "fes",
        "fes-meknes",
        "45.00",
        {"out_of_stock": True},
    ),
    (
        "Amandes de Tafraout",
        "Fruits secs",
        "tafraout",
        "souss-massa",
        "110.00",
        {"labels": ["igp"]},
    ),
    ("Savon noir à l'huile d'olive", "Cosmétiques", "fes", "fes-meknes", "35.00", {}),
    (
        "Clémentines de Berkane",
        "Fruits frais",
        "berkane",
        "oriental",
        "30.00",
        {"cold_chain": True},
    ),
    (
        "Figues de Barbarie d'Aït Baâmrane",
        "Fruits frais",
        "baamrane",
        "guelmim-oued-noun",
        "40.00",
        {"cold_chain": True},
    ),
]

COOPERATIVES = {
    "tifaout": ("Coopérative Tifaout", "souss-massa", "Taliouine"),
    "chiadma": ("Coopérative Chiadma Zitoun", "marrakech-safi", "Essaouira"),
    "taliouine": ("Coopérative Souktana du Safran", "souss-massa", "Taliouine"),
    "tadla": ("Coopérative Nahla Tadla", "beni-mellal-khenifra", "Azilal"),
    "tafilalet": ("Coopérative Tmour Tafilalet", "draa-tafilalet", "Erfoud"),
    "dades": ("Coopérative Ward Dadès", "draa-tafilalet", "Kelâat M'Gouna"),
    "chaouen": ("Coopérative Jbel Chaouen", "tanger-tetouan-al-hoceima", "Chefchaouen"),
    "fes": ("Coopérative Al Baraka Fès", "fes-meknes", "Fès"),
    "tafraout": ("Coopérative Ammeln Tafraout", "souss-massa", "Tafraout"),
    "berkane": ("Coopérative Berkane Agrumes", "oriental", "Berkane"),
    "baamrane": ("Coopérative Aït Baâmrane Hendi", "guelmim-oued-noun", "Sidi Ifni"),
}  # fmt: skip


def _category(path: str):
    return create_from_breadcrumbs(path, separator="/")


def build_catalogue(today: datetime.date) -> dict:
    """Create the fixed test catalogue; return products by title and helpers."""
    warehouse = WarehouseFactory(name="Entrepôt Casablanca")
    store = PilotStoreFactory(name="Boutique Casablanca")
    cooperatives = {
        key: CooperativeFactory(name=name, region=region, city=city, slug=f"coop-{key}")
        for key, (name, region, city) in COOPERATIVES.items()
    }
    products = {}
    now = timezone.now()
    for title, path, coop, region, price, extra in CATALOGUE:
        product = ProductFactory(
            title=title,
            cooperative=cooperatives[coop],
            origin_region=region,
            cold_chain=extra.get("cold_chain", False),
            stockrecords=None,
            categories=None,
        )
        created = now - datetime.timedelta(days=extra.get("days_old", 100))
        type(product).objects.filter(pk=product.pk).update(date_created=created)
        product.categories.add(_category(path))
        StockRecordFactory(
            product=product,
            partner=warehouse,
            price=Decimal(price),
            num_in_stock=0 if extra.get("out_of_stock") else 50,
        )
        for scheme in extra.get("labels", []):
            CertificationFactory(
                cooperative=cooperatives[coop],
                scheme=scheme,
                name=title,
                valid_from=today - datetime.timedelta(days=100),
                valid_until=today + datetime.timedelta(days=100),
                products=[product],
            )
        for scheme in extra.get("expired_labels", []):
            CertificationFactory(
                cooperative=cooperatives[coop],
                scheme=scheme,
                name=title,
                valid_from=today - datetime.timedelta(days=400),
                valid_until=today - datetime.timedelta(days=1),
                products=[product],
            )
        products[title] = product
    StockRecordFactory(
        product=products["Safran de Taliouine"], partner=store, num_in_stock=3
    )
    return {
        "products": products,
        "cooperatives": cooperatives,
        "store": store,
        "warehouse": warehouse,
    }


@pytest.fixture(scope="module")
def indexed_catalogue(django_db_setup, django_db_blocker):
    """The fixed catalogue, indexed; the database part is rolled back afterwards.

    Relevance and facet tests only read the engine, so the rows can go while
    the index (rebuilt from them) stays for the whole module.
    """
    with django_db_blocker.unblock(), indexing_paused():
        with transaction.atomic():
            built = build_catalogue(timezone.localdate())
            built["ids"] = {title: p.pk for title, p in built["products"].items()}
            built["cooperative_ids"] = {
                key: c.pk for key, c in built["cooperatives"].items()
            }
            built["category_ids"] = dict(Category.objects.values_list("name", "pk"))
            built["store_id"] = built["store"].pk
            services.index_rebuild()
            transaction.set_rollback(True)
    return built


@pytest.fixture
def catalogue(db):
    """The fixed catalogue in the database and in a freshly rebuilt index."""
    with indexing_paused():
        built = build_catalogue(timezone.localdate())
    services.index_rebuild()
    return built
