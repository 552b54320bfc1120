"""Incremental indexing switches shared by bulk loaders and signal receivers."""

import contextlib
import contextvars

_paused = contextvars.ContextVar("search_indexing_paused", default=False)


@contextlib.contextmanager
def indexing_paused():
    """Skip per-save indexing inside the block (bulk loads rebuild the index after)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def is_paused() -> bool:
    return _paused.get()
