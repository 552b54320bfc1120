"""SQLite for many writers at once: a write transaction waits for the lock in
short steps.

SQLite's own busy handler sleeps 1, 2, 5, 10 … 100 ms between tries, longer
the longer it has waited. With eight staff adding lines to sales at once, a
writer who found the lock taken a few times slept 25–100 ms while it came free
every few milliseconds (`make bench` counter-add: p50 17 ms, p99 427 ms).
Starting a transaction tries again every 0.5–2 ms instead, up to the
configured timeout. Transactions start with BEGIN IMMEDIATE (settings), so
they wait for the lock only there; statements outside a transaction keep
SQLite's handler.
"""

import random
import sqlite3
import time

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

# Between tries to take the write lock: short, and jittered so that waiting
# writers do not try together.
RETRY_SECONDS = (0.0005, 0.002)


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self):
        timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
        raw = self.connection
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            try:
                return super()._start_transaction_under_autocommit()
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
            # Tried again on the driver's connection: through Django's
            # cursor each failed try cost the waiting writers CPU that the
            # one holding the lock needed.
            deadline = time.monotonic() + timeout
            while True:
                time.sleep(random.uniform(*RETRY_SECONDS))  # noqa: S311
                try:
                    raw.execute(f"BEGIN {self.transaction_mode}")
                    return None
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) or time.monotonic() > deadline:
                        raise OperationalError(*error.args) from error
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
