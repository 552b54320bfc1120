"""Our SQLite engine (shop/sqlite): a write transaction waits for another
process's write lock in short steps, and gives up after the configured timeout
with SQLite's own "database is locked"."""

import sqlite3
import threading
import time

import pytest
from django.db import OperationalError, connections, transaction
from django.db.utils import load_backend


@pytest.fixture
def sqlite_alias(tmp_path, django_db_blocker):
    """A database file of our engine under its own alias, whatever the tests'
    own database is, and a way for "another process" to hold its write lock."""
    path = tmp_path / "shop.sqlite3"
    made = []

    def open_database(timeout: float) -> str:
        alias = f"sqlite-engine-{len(made)}"
        options = {"timeout": timeout, "transaction_mode": "IMMEDIATE"}
        settings_dict = {
            **connections.settings["default"],
            "ENGINE": "shop.sqlite",
            "NAME": str(path),
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
        }
        connections.settings[alias] = settings_dict
        connections[alias] = load_backend("shop.sqlite").DatabaseWrapper(
            settings_dict, alias
        )
        made.append(alias)
        return alias

    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE sale_line (id INTEGER PRIMARY KEY, quantity INTEGER)")
    setup.close()
    with django_db_blocker.unblock():
        yield open_database, path
        for alias in made:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


def lock_held(path, seconds: float, until=None) -> None:
    """Another writer takes the write lock, adds a line and commits after
    `seconds` (or as soon as `until()` is true); returns once it holds the lock."""
    holding = threading.Event()

    def hold():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO sale_line (quantity) VALUES (1)")
        holding.set()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until()):
            time.sleep(0.01)
        other.execute("COMMIT")
        other.close()

    threading.Thread(target=hold, daemon=True).start()
    assert holding.wait(5), "the other writer never took the lock"


def busy_timeout(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return cursor.fetchone()[0]


def test_a_writer_waits_for_the_lock_then_commits_its_line(sqlite_alias):
    open_database, path = sqlite_alias
    alias = open_database(timeout=10)
    lock_held(path, 0.3)

    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("INSERT INTO sale_line (quantity) VALUES (2)")

    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT quantity FROM sale_line ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == [1, 2]
    # Statements outside a starting transaction keep SQLite's own wait.
    assert busy_timeout(alias) == 10_000


def test_a_writer_gives_up_after_the_timeout_with_sqlites_message(sqlite_alias):
    open_database, path = sqlite_alias
    alias = open_database(timeout=0.2)
    lock_held(path, 3)

    with pytest.raises(OperationalError, match="database is locked"):
        with transaction.atomic(using=alias):
            pass

    assert busy_timeout(alias) == 200


def test_the_wait_is_made_of_short_steps_not_sqlites_growing_sleeps(
    sqlite_alias, monkeypatch
):
    """Guards the override itself: were Django to stop calling it, SQLite's
    handler (sleeps growing to 100 ms) would be back with every test above
    still passing."""
    from shop.sqlite import base

    open_database, path = sqlite_alias
    alias = open_database(timeout=10)
    pauses = []
    real_sleep = time.sleep
    waiter = threading.current_thread()

    def noted_sleep(seconds):
        if threading.current_thread() is waiter:
            pauses.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(base.time, "sleep", noted_sleep)
    # Held until the waiter has tried often enough, however slow the machine:
    # a waiter starting late found the lock free and never waited.
    lock_held(path, 5, until=lambda: len(pauses) > 20)

    with transaction.atomic(using=alias):
        pass

    assert len(pauses) > 20
    assert max(pauses) <= base.RETRY_SECONDS[1]
