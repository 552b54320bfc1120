"""Run calls at the same moment in threads (PostgreSQL row-locking tests)."""

import threading

from django.db import connection
from django.utils import translation


def at_once(calls, *, refused: type[Exception]) -> list:
    """Release every call together, each in its own thread and connection;
    return what each returned, or the `refused` exception it raised, in order.

    Each thread runs in the test's language (threads do not share the active
    one), so refusals read as the test expects.
    """
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)
    language = translation.get_language()

    def run(index, call):
        try:
            start.wait()
            with translation.override(language):
                outcomes[index] = call()
        except refused as refusal:
            outcomes[index] = refusal
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
