"""The index follows the database: saves, deletes, labels, rebuilds, outages."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from catalog.models import Product
from search import engine, local_engine, services
from search.queries import ProductQuery, product_search
from tests.factories import (
    CertificationFactory,
    PilotStoreFactory,
    ProductFactory,
    StockRecordFactory,
)

pytestmark = pytest.mark.django_db


def _titles(text="", **filters):
    query = ProductQuery(text=text, with_facets=False, **filters)
    return [hit.title for hit in product_search(query=query).hits]


@pytest.fixture
def empty_index(db):
    services.index_rebuild()


def test_saving_and_deleting_a_product_updates_search(
    empty_index, django_capture_on_commit_callbacks
):
    """A new product is findable after commit; renamed, then deleted, it follows."""
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(title="Miel de jujubier du Haouz")
    assert _titles("jujubier") == ["Miel de jujubier du Haouz"]
    with django_capture_on_commit_callbacks(execute=True):
        product.title = "Miel de caroube du Haouz"
        product.save()
    assert _titles("jujubier") == []
    assert _titles("caroube") == ["Miel de caroube du Haouz"]
    with django_capture_on_commit_callbacks(execute=True):
        product.stockrecords.all().delete()
        product.delete()
    assert _titles("caroube") == []


def test_nothing_is_indexed_before_commit(
    empty_index, django_capture_on_commit_callbacks
):
    """Indexing waits for the commit (a rolled-back save never shows up)."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ProductFactory(title="Huile de nigelle")
    assert callbacks
    assert _titles("nigelle") == []


def test_stock_and_store_changes_reindex(
    empty_index, django_capture_on_commit_callbacks
):
    """Selling out online and stocking a pilot store change the stock flags."""
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(title="Amlou traditionnel")
    assert _titles("amlou", in_stock=True) == ["Amlou traditionnel"]
    store = PilotStoreFactory()
    with django_capture_on_commit_callbacks(execute=True):
        record = product.stockrecords.get()
        record.num_in_stock = 0
        record.price = Decimal("99.00")
        record.save()
        StockRecordFactory(product=product, partner=store, num_in_stock=4)
    assert _titles("amlou", in_stock=True) == []
    assert _titles("amlou", store=store.pk) == ["Amlou traditionnel"]
    assert _titles("amlou", price_min=Decimal("99"), price_max=Decimal("99")) == [
        "Amlou traditionnel"
    ]


def test_certification_and_cooperative_changes_reindex(
    empty_index, django_capture_on_commit_callbacks
):
    """Granting a label and renaming the cooperative are searchable at once."""
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(title="Huile d'olive Ouazzane")
    assert _titles(labels=("aop",)) == []
    with django_capture_on_commit_callbacks(execute=True):
        CertificationFactory(
            cooperative=product.cooperative, scheme="aop", products=[product]
        )
    assert _titles(labels=("aop",)) == ["Huile d'olive Ouazzane"]
    with django_capture_on_commit_callbacks(execute=True):
        product.cooperative.name = "Coopérative Zitouna Rif"
        product.cooperative.save()
    assert _titles("zitouna") == ["Huile d'olive Ouazzane"]


def test_category_changes_reindex(empty_index, django_capture_on_commit_callbacks):
    """Filing a product in a category, then renaming the category, both show."""
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(title="Thé vert à la menthe", categories=None)
        category = create_from_breadcrumbs("Boissons")
        product.categories.add(category)
    assert _titles(scope_category=category.pk) == ["Thé vert à la menthe"]
    with django_capture_on_commit_callbacks(execute=True):
        category.name = "Infusions"
        category.save()
    assert _titles("infusions") == ["Thé vert à la menthe"]


def test_expired_label_leaves_filters_without_reindexing(
    empty_index, django_capture_on_commit_callbacks
):
    """A label stops filtering the day after it ends, even before any re-index."""
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(title="Dattes Boufeggous")
        CertificationFactory(
            scheme="igp",
            cooperative=product.cooperative,
            valid_until=today,
            products=[product],
        )
    assert _titles(labels=("igp",), today=today) == ["Dattes Boufeggous"]
    tomorrow = today + datetime.timedelta(days=1)
    assert _titles(labels=("igp",), today=tomorrow) == []


def test_refresh_labels_reindexes_products_whose_label_ended(
    empty_index, django_capture_on_commit_callbacks, capsys
):
    """The daily command re-indexes a product whose label expired yesterday."""
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(title="Safran bio de Taliouine")
        CertificationFactory(
            scheme="organic",
            cooperative=product.cooperative,
            valid_until=today - datetime.timedelta(days=1),
            products=[product],
        )
    call_command("search_index", "refresh_labels")
    assert "Re-indexed 1 products" in capsys.readouterr().out


def test_rebuild_swaps_the_alias_while_search_keeps_answering(db, capsys):
    """During a rebuild the old index answers; afterwards the alias moved and the
    old index is gone."""
    ProductFactory(title="Figues sèches de Ouezzane")
    services.index_rebuild()
    before = engine.indices_behind(services.index_alias())
    answers, stop = [], threading.Event()

    def keep_searching():
        while not stop.is_set():
            answers.append(_titles("figues"))

    reader = threading.Thread(target=keep_searching)
    reader.start()
    try:
        call_command("search_index", "rebuild")
    finally:
        stop.set()
        reader.join()
    after = engine.indices_behind(services.index_alias())
    assert answers
    assert all(a == ["Figues sèches de Ouezzane"] for a in answers)
    assert after != before
    assert len(after) == 1
    assert before[0] not in engine.indices_matching(f"{services.index_alias()}-*")
    out = capsys.readouterr().out
    assert "1/1 products (100%)" in out
    assert "docs/s" in out
    call_command("search_index", "status")
    assert "The index is in step." in capsys.readouterr().out


def test_pages_fall_back_to_the_database_when_the_engine_stops(
    client, db, tmp_path, caplog
):
    """With the engine stopped, search and category pages list products from the
    database with a notice; /healthz says search is degraded."""
    product = ProductFactory(title="Huile d'argane torréfiée")
    second = local_engine.start(tmp_path / "engine")
    try:
        with override_settings(ELASTICSEARCH_URL=second.url):
            services.index_rebuild()
            response = client.get("/en/shop/search/", {"q": "argane"})
            assert response.context["results"].facets
            second.stop()
            response = client.get("/en/shop/search/", {"q": "torréfiée"})
            html = response.content.decode()
            assert response.status_code == 200
            assert "Search is running in a simplified mode" in html
            assert product.title.replace("'", "&#x27;") in html
            browse = client.get("/en/shop/catalogue/")
            assert browse.status_code == 200
            assert "simplified mode" in browse.content.decode()
            suggestions = client.get("/en/shop/search/autocomplete/", {"q": "argan"})
            assert suggestions.json()["degraded"] is True
            health = client.get("/healthz").json()
            assert health["search"]["status"] == "degraded"
    finally:
        second.stop()
    assert "Search engine unavailable" in caplog.text


def test_saving_while_the_engine_is_down_still_saves(
    db, django_capture_on_commit_callbacks, caplog
):
    """A product save succeeds (and is logged) even if the index cannot follow."""
    with override_settings(
        ELASTICSEARCH_URL=f"http://127.0.0.1:{local_engine.free_port()}"
    ):
        with django_capture_on_commit_callbacks(execute=True):
            product = ProductFactory(title="Miel de lavande")
    assert Product.objects.get(pk=product.pk).title == "Miel de lavande"
    assert "Search index update failed" in caplog.text
