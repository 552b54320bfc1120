"""The one module that talks to the search engine through the elasticsearch client.

Everything else in the project reaches the engine through this module: the DSL
namespace (`dsl`), the client, and helpers that turn every transport or API error
into `SearchUnavailable`, so callers degrade on one exception type.
"""

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from itertools import islice

from django.conf import settings
from elasticsearch import (
    ApiError,
    ConnectionTimeout,
    Elasticsearch,
    NotFoundError,
    TransportError,
)
from elasticsearch import dsl as dsl  # re-exported for search.documents/queries
from elasticsearch.helpers import BulkIndexError, streaming_bulk

from shop.pause import Pause

ENGINE_ERRORS = (ApiError, TransportError, BulkIndexError)

logger = logging.getLogger(__name__)

# After a page query times out, this process stops asking for a while (pages
# fall back at once): an overloaded engine answers each query later than the
# one before, and every thread waiting the whole timeout on it would stall the
# shop for everyone. An engine that refuses connections is asked again at
# once: that costs nothing and it comes back as soon as it is up.
PAUSE_SECONDS = 10
paused = Pause()


class SearchUnavailable(Exception):
    """The engine did not answer or refused a request; callers fall back."""


class SearchPaused(SearchUnavailable):
    """The engine was not asked: it timed out lately (see PAUSE_SECONDS)."""


@cache
def _client_for(url: str, timeout: float) -> Elasticsearch:
    return Elasticsearch(
        url, request_timeout=timeout, retry_on_timeout=False, max_retries=0
    )


def get_client() -> Elasticsearch:
    # Pages must not hang on a sick engine: they fall back after the timeout.
    timeout = getattr(settings, "ELASTICSEARCH_TIMEOUT", 5)
    return _client_for(settings.ELASTICSEARCH_URL, timeout)


def ping() -> dict:
    """Return basic engine facts; raise if the engine does not answer."""
    info = get_client().info()
    return {"version": info["version"]["number"]}


def execute(search: "dsl.Search") -> "dsl.Response":
    """Run a DSL search; raise SearchUnavailable on any engine failure, and
    at once for a while after one timed out (PAUSE_SECONDS)."""
    if paused.active:
        raise SearchPaused("the engine timed out lately; not asked for now")
    try:
        return search.using(get_client()).execute()
    except ConnectionTimeout as exc:
        pause = getattr(settings, "ELASTICSEARCH_PAUSE_SECONDS", PAUSE_SECONDS)
        paused.start(pause)
        logger.warning("Search engine timed out; not asked for %ss", pause)
        raise SearchUnavailable(str(exc)) from exc
    except ENGINE_ERRORS as exc:
        raise SearchUnavailable(str(exc)) from exc


def bulk(actions: Iterable[dict], *, chunk_size: int = 500) -> Iterator[bool]:
    """Send bulk actions, two requests in flight; yield one success flag per action.

    While the engine indexes one chunk, this thread builds the next (actions
    are often read from the database, so they are built here, on this
    thread's connection, never in a worker): 100,000 products on 2 cores went
    from 3,460 to 3,970 docs/s. A chunk may take seconds on a busy engine, so
    bulk requests get a longer timeout than page queries. A delete of a
    document already gone counts as success: the goal (absent from the index)
    holds.
    """
    client = get_client().options(
        request_timeout=getattr(settings, "ELASTICSEARCH_BULK_TIMEOUT", 60)
    )

    def send(chunk: list[dict]) -> list[tuple[bool, dict]]:
        return list(
            streaming_bulk(
                client,
                chunk,
                chunk_size=len(chunk),
                raise_on_error=False,
                raise_on_exception=True,
            )
        )

    def flags(results: list[tuple[bool, dict]]) -> Iterator[bool]:
        for ok, item in results:
            if not ok and item.get("delete", {}).get("status") == 404:
                ok = True
            if not ok:
                logger.warning("Search engine refused a document: %s", item)
            yield ok

    remaining = iter(actions)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            in_flight: deque = deque()
            while chunk := list(islice(remaining, chunk_size)):
                in_flight.append(pool.submit(send, chunk))
                if len(in_flight) == 2:
                    yield from flags(in_flight.popleft().result())
            while in_flight:
                yield from flags(in_flight.popleft().result())
    except ENGINE_ERRORS as exc:
        raise SearchUnavailable(str(exc)) from exc


def create_index(name: str, body: dict) -> None:
    _call(lambda c: c.indices.create(index=name, **body))


def delete_index(name: str) -> None:
    _call(lambda c: c.indices.delete(index=name, ignore_unavailable=True))


def update_index_settings(name: str, index_settings: dict) -> None:
    _call(lambda c: c.indices.put_settings(index=name, settings=index_settings))


def refresh(name: str) -> None:
    _call(lambda c: c.indices.refresh(index=name))


def count(name: str) -> int:
    return _call(lambda c: c.count(index=name))["count"]


def indices_behind(alias: str) -> list[str]:
    """Return the indices the alias points at (empty when the alias is absent)."""
    try:
        found = get_client().indices.get_alias(name=alias)
    except NotFoundError:
        return []
    except ENGINE_ERRORS as exc:
        raise SearchUnavailable(str(exc)) from exc
    return sorted(found)


def indices_matching(pattern: str) -> list[str]:
    found = _call(lambda c: c.indices.get(index=pattern, allow_no_indices=True))
    return sorted(found)


def point_alias(alias: str, *, to: str, away_from: list[str]) -> None:
    """Move the alias in one atomic request, so readers never see it missing."""
    actions = [{"remove": {"index": old, "alias": alias}} for old in away_from]
    actions.append({"add": {"index": to, "alias": alias}})
    _call(lambda c: c.indices.update_aliases(actions=actions))


def _call(request):
    try:
        return request(get_client())
    except ENGINE_ERRORS as exc:
        raise SearchUnavailable(str(exc)) from exc
