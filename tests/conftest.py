import os
from pathlib import Path

import pytest
from django.conf import settings

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
def _empty_cache():
    """Start every test with an empty cache so cached pages never leak across tests."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
