"""Browser fixtures: Playwright driving Debian's chromium, never a downloaded one."""

import io
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then
# refuse the test's own database work (fixtures, flushes) as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]


E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    # The hook sees the whole session's items, not just this folder's.
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium"):
        pytest.fail(
            "Debian's chromium is missing: run `make chromium` (make test does)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def _demo_session(tmp_path_factory, django_db_blocker):
    """The demo's pictures and, once loaded, the copy of its tables."""
    state = {"media": tmp_path_factory.mktemp("demo-media"), "tables": None}
    yield state
    if state["tables"]:
        from tests.e2e import snapshot

        with django_db_blocker.unblock():
            snapshot.snapshot_drop(state["tables"])


@pytest.fixture
def demo_product(transactional_db, settings, _demo_session):
    """A shelf-stable demo product with warehouse stock (the demo data, loaded).

    The first test of a session loads the demo and copies its tables; the next
    ones, starting from a flushed database, get the copy back (snapshot.py).
    """
    from django.core.management import call_command

    from shop.partner.models import Partner, StockRecord
    from tests.cms.builders import migration_rows_ensure
    from tests.e2e import snapshot

    settings.MEDIA_ROOT = _demo_session["media"]
    if _demo_session["tables"]:
        snapshot.snapshot_restore(_demo_session["tables"])
    else:
        # Transactional tests flush what migrations created: put it back first.
        migration_rows_ensure()
        call_command("load_demo", stdout=io.StringIO())
        _demo_session["tables"] = snapshot.snapshot_take()
    record = (
        StockRecord.objects.filter(
            partner__kind=Partner.Kind.WAREHOUSE,
            product__cold_chain=False,
            num_in_stock__gte=5,
        )
        .select_related("product")
        .order_by("product__title")
        .first()
    )
    return record.product
