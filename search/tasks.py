"""Background work of the search app (django-tasks; immediate in development)."""

import logging

from django_tasks import task

from search import engine, services

logger = logging.getLogger(__name__)


@task()
def sync_products(product_ids: list[int]) -> None:
    """Bring these products' documents in line with the database.

    An unreachable engine must not lose the save that triggered this: the error
    is logged and the next rebuild (or save) catches up.
    """
    try:
        services.products_sync(product_ids=product_ids)
    except engine.SearchUnavailable:
        logger.exception("Search index update failed for products %s", product_ids)
