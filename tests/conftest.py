import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from search import local_engine
from shop.payments import local_stripe as local_stripe_server

VAR_DIR = Path(__file__).resolve().parent.parent / "var"


@pytest.fixture(scope="session", autouse=True)
def search_engine_url():
    """Run the whole session against a real engine: ELASTICSEARCH_URL, else noida-db.

    Indexing happens on every product save, so every test needs the engine; it
    starts in well under a second and is stopped by its process group at the end.
    """
    url = os.environ.get("ELASTICSEARCH_URL")
    engine = None
    if not url:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        engine = local_engine.start(VAR_DIR / "test-search" / f"{worker}-{os.getpid()}")
        url = engine.url
    settings.ELASTICSEARCH_URL = url
    try:
        yield url
    finally:
        if engine:
            engine.stop()


@pytest.fixture(scope="session")
def local_stripe():
    """Point the Stripe gateway at a localstripe of this session (fresh store)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    server = local_stripe_server.start(
        VAR_DIR / "log" / f"test-localstripe-{worker}-{os.getpid()}.log"
    )
    settings.STRIPE_API_BASE = server.url
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in the shop's default language: a request served by the
    test client leaves its language active, and the next test must not inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _engine_not_paused(monkeypatch):
    """A timeout in one test must not leave the next without its engine."""
    from search import engine

    monkeypatch.setattr(engine.paused, "until", 0.0)


@pytest.fixture(autouse=True)
def _redis_not_paused(monkeypatch):
    """Nor a Redis timeout leave the next without its cache, or owing it bumps."""
    from shop import cache, redis_pause

    monkeypatch.setattr(redis_pause.paused, "until", 0.0)
    cache._owed.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache so cached pages never leak across tests."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and what it defers to after commit, as a saved form would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Put back the rows data migrations create before the session's tests run.

    Transactional tests (live server, threads) flush every table when they end, and
    --reuse-db keeps that flushed database for the next run: without this, a second
    `make test` would start with no Wagtail root page, locales or countries.
    """
    from tests.cms.builders import migration_rows_ensure

    with django_db_blocker.unblock():
        migration_rows_ensure()


@pytest.fixture
def english():
    """Reverse /en/ URLs and assert the English source strings."""
    with translation.override("en"):
        yield


# Two pilot stores and one person of each role, for the counter, dashboard and
# role tests.


@pytest.fixture
def store_a(db):
    from tests.factories import PilotStoreFactory

    return PilotStoreFactory(
        name="Boutique Casablanca", code="casablanca", city="Casablanca"
    )


@pytest.fixture
def store_b(db):
    from tests.factories import PilotStoreFactory

    return PilotStoreFactory(
        name="Boutique Marrakech", code="marrakech", city="Marrakech"
    )


@pytest.fixture
def staff_a(store_a):
    from tests.factories import StoreStaffFactory

    return StoreStaffFactory(store=store_a, first_name="Youssef", last_name="Bennani")


@pytest.fixture
def staff_b(store_b):
    from tests.factories import StoreStaffFactory

    return StoreStaffFactory(store=store_b, first_name="Khadija", last_name="Idrissi")


@pytest.fixture
def manager_a(store_a):
    from tests.factories import StoreManagerFactory

    return StoreManagerFactory(store=store_a, first_name="Nadia", last_name="Bennani")


@pytest.fixture
def office(db):
    """Office staff: the whole dashboard and every store's counter."""
    from tests.factories import OfficeStaffFactory

    return OfficeStaffFactory(first_name="Salma", last_name="Alaoui")


@pytest.fixture
def customer(db):
    from tests.factories import CustomerFactory

    return CustomerFactory()
