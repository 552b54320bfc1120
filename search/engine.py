"""The one module that talks to the search engine through the elasticsearch client."""

from functools import cache

from django.conf import settings
from elasticsearch import Elasticsearch


@cache
def _client_for(url: str) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=5, retry_on_timeout=False, max_retries=0)


def get_client() -> Elasticsearch:
    return _client_for(settings.ELASTICSEARCH_URL)


def ping() -> dict:
    """Return basic engine facts; raise if the engine does not answer."""
    info = get_client().info()
    return {"version": info["version"]["number"]}
