"""The one module that talks to the search engine through the elasticsearch client.

Everything else in the project reaches the engine through this module: the DSL
namespace (`dsl`), the client, and helpers that turn every transport or API error
into `SearchUnavailable`, so callers degrade on one exception type.
"""

import logging
from collections.abc import Iterable, Iterator
from functools import cache

from django.conf import settings
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch import dsl as dsl  # re-exported for search.documents/queries
from elasticsearch.helpers import BulkIndexError, streaming_bulk

ENGINE_ERRORS = (ApiError, TransportError, BulkIndexError)

logger = logging.getLogger(__name__)


class SearchUnavailable(Exception):
    """The engine did not answer or refused a request; callers fall back."""


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
    """Run a DSL search; raise SearchUnavailable on any engine failure."""
    try:
        return search.using(get_client()).execute()
    except ENGINE_ERRORS as exc:
        raise SearchUnavailable(str(exc)) from exc


def bulk(actions: Iterable[dict], *, chunk_size: int = 1000) -> Iterator[bool]:
    """Stream bulk actions; yield one success flag per action.

    A delete of a document already gone counts as success: the goal (absent from
    the index) holds.
    """
    try:
        for ok, item in streaming_bulk(
            get_client(),
            actions,
            chunk_size=chunk_size,
            raise_on_error=False,
            raise_on_exception=True,
        ):
            if not ok and item.get("delete", {}).get("status") == 404:
                ok = True
            if not ok:
                logger.warning("Search engine refused a document: %s", item)
            yield ok
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
