"""Writes to the search index: full rebuilds behind an alias and partial syncs."""

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from oscar.core.loading import get_model

from catalog.models import Certification, Product
from search import engine
from search.documents import (
    TRANSLATED_LANGUAGES,
    CategoryFacts,
    LabelFacts,
    ProductFacts,
    TranslatedFacts,
    document_from_facts,
    index_body,
)
from shop.cache import catalogue_version_bump, product_versions_bump

logger = logging.getLogger(__name__)

Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")

BATCH_SIZE = 500
ONLINE_KINDS = (Partner.Kind.WAREHOUSE, Partner.Kind.COLD_WAREHOUSE)


def index_alias() -> str:
    """Return the alias every reader and incremental writer uses."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-products"


def _new_index_name() -> str:
    return f"{index_alias()}-{timezone.now():%Y%m%d%H%M%S%f}"


def indexable_products():
    """Products that appear in search: public standalone and parent products."""
    return Product.objects.filter(is_public=True).exclude(structure=Product.CHILD)


# Loading: a fixed number of queries per batch, then pure computation.


def category_path_chain(path: str) -> list[str]:
    """Return the tree paths of a category's ancestors and of itself, root first."""
    steplen = Category.steplen
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


def _translations(instance, name: str) -> dict[str, str]:
    """Return the Arabic and English values of a translated field, where set."""
    values = {}
    for language in TRANSLATED_LANGUAGES:
        if value := getattr(instance, f"{name}_{language}", None):
            values[language] = value
    return values


def _category_facts() -> dict[int, CategoryFacts]:
    # The plain fields read French (catalog/translation.py), whatever language
    # the request that changed the catalogue was in.
    with translation.override(settings.LANGUAGE_CODE):
        categories = list(Category.objects.all())
    by_path = {category.path: category for category in categories}
    facts = {}
    for category in categories:
        chain = [
            by_path[path]
            for path in category_path_chain(category.path)
            if path in by_path
        ]
        facts[category.id] = CategoryFacts(
            id=category.id,
            name=category.name_fr or "",
            ancestor_ids=tuple(node.id for node in chain if node.id != category.id),
            names=_translations(category, "name"),
        )
    return facts


def _free_stock(record) -> bool:
    if record.num_in_stock is None:  # stock not tracked: always available
        return True
    return record.num_in_stock - (record.num_allocated or 0) > 0


def _stock_facts(records) -> dict:
    online = [r for r in records if r.partner.kind in ONLINE_KINDS]
    online_in_stock = [r for r in online if _free_stock(r)]
    priced = [r.price for r in (online_in_stock or online) if r.price is not None]
    return {
        "price": min(priced) if priced else None,
        "in_stock_online": bool(online_in_stock),
        "stores_in_stock": tuple(
            sorted(
                {
                    r.partner_id
                    for r in records
                    if r.partner.kind == Partner.Kind.PILOT_STORE and _free_stock(r)
                }
            )
        ),
    }


def product_facts_list(
    product_ids: Iterable[int], *, categories: dict[int, CategoryFacts] | None = None
) -> list[ProductFacts]:
    """Load what the index needs for these products (missing/hidden ones skipped)."""
    categories = categories if categories is not None else _category_facts()
    records = StockRecord.objects.select_related("partner")
    products = (
        indexable_products()
        .filter(pk__in=list(product_ids))
        .select_related("cooperative", "product_class")
        .prefetch_related(
            "categories",
            Prefetch("certifications", queryset=Certification.objects.all()),
            Prefetch("stockrecords", queryset=records),
            Prefetch("children__stockrecords", queryset=records),
        )
    )
    return [_product_facts(product, categories) for product in products]


def _product_facts(product, categories: dict[int, CategoryFacts]) -> ProductFacts:
    """Compute one product's facts from what product_facts_list prefetched."""
    stock = list(product.stockrecords.all())
    for child in product.children.all():
        stock.extend(child.stockrecords.all())
    cooperative = product.cooperative
    titles = _translations(product, "title")
    descriptions = _translations(product, "description")
    cooperative_names = _translations(cooperative, "name") if cooperative else {}
    return ProductFacts(
        id=product.pk,
        title=product.title_fr or "",
        slug=product.slug,
        description=product.description_fr or "",
        upc=product.upc or "",
        product_class=product.product_class.slug if product.product_class else "",
        cooperative_id=cooperative.pk if cooperative else None,
        cooperative_name=(cooperative.name_fr or "") if cooperative else "",
        cooperative_city=cooperative.city if cooperative else "",
        region=product.origin_region or (cooperative.region if cooperative else ""),
        cold_chain=product.cold_chain,
        date_created=product.date_created,
        categories=tuple(
            categories[c.pk] for c in product.categories.all() if c.pk in categories
        ),
        labels=tuple(
            LabelFacts(
                scheme=c.scheme,
                name=c.name,
                valid_from=c.valid_from,
                valid_until=c.valid_until,
            )
            for c in product.certifications.all()
        ),
        **_stock_facts(stock),
        translations={
            language: TranslatedFacts(
                title=titles.get(language, ""),
                description=descriptions.get(language, ""),
                cooperative_name=cooperative_names.get(language, ""),
            )
            for language in TRANSLATED_LANGUAGES
        },
    )


def document_actions(
    facts: Iterable[ProductFacts], *, index: str, today: datetime.date
) -> Iterator[dict]:
    """Turn product facts into bulk index actions (the rebuild and the benchmark)."""
    for item in facts:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": item.id,
            "_source": document_from_facts(item, today=today),
        }


# Full rebuild.


@dataclass
class RebuildSummary:
    index: str
    indexed: int
    failed: int
    seconds: float
    removed_indices: list[str]

    @property
    def docs_per_second(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def index_load(
    *,
    index: str,
    actions: Iterable[dict],
    total: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Bulk load actions into a new index; return (indexed, failed)."""
    indexed = failed = 0
    for ok in engine.bulk(actions):
        if ok:
            indexed += 1
        else:
            failed += 1
        if progress and (indexed + failed) % 1000 == 0:
            progress(indexed + failed, total)
    if progress:
        progress(indexed + failed, total)
    return indexed, failed


def index_create(*, bulk_load: bool = False) -> str:
    name = _new_index_name()
    engine.create_index(name, index_body(bulk_load=bulk_load))
    return name


def index_publish(*, index: str) -> list[str]:
    """Make the loaded index searchable, point the alias at it, drop the old ones."""
    engine.update_index_settings(index, {"refresh_interval": "1s"})
    engine.refresh(index)
    alias = index_alias()
    old = [name for name in engine.indices_behind(alias) if name != index]
    engine.point_alias(alias, to=index, away_from=old)
    # Cached answers built from the old index (suggestions, pages) go stale now.
    catalogue_version_bump()
    for name in old:
        engine.delete_index(name)
    return old


def index_rebuild(
    *,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> RebuildSummary:
    """Build a fresh index from the database, then swap the alias atomically.

    Searches keep hitting the old index until the swap. Products saved during
    the load are synced again right after it, so none is left stale.
    """
    started_at = timezone.now()
    clock = time.perf_counter()
    today = timezone.localdate()
    index = index_create(bulk_load=True)
    ids = list(indexable_products().order_by("pk").values_list("pk", flat=True))
    categories = _category_facts()

    def actions():
        for batch in _batches(ids, batch_size):
            facts = product_facts_list(batch, categories=categories)
            yield from document_actions(facts, index=index, today=today)

    try:
        indexed, failed = index_load(
            index=index, actions=actions(), total=len(ids), progress=progress
        )
        removed = index_publish(index=index)
    except engine.SearchUnavailable:
        engine.delete_index(index)
        raise
    changed = Product.objects.filter(date_updated__gte=started_at)
    products_sync(product_ids=list(changed.values_list("pk", flat=True)))
    return RebuildSummary(
        index=index,
        indexed=indexed,
        failed=failed,
        seconds=time.perf_counter() - clock,
        removed_indices=removed,
    )


# Partial updates.


def index_ensure() -> None:
    """Create an empty index behind the alias if there is none yet.

    Without it, the first partial update would let the engine auto-create an
    index named like the alias, with guessed mappings.
    """
    if not engine.indices_behind(index_alias()):
        index_publish(index=index_create())


def products_sync(*, product_ids: Iterable[int]) -> None:
    """Re-index these products (variants via their parent); drop the unsearchable."""
    product_ids = set(product_ids)
    if not product_ids:
        return
    # A variant lives inside its parent's document.
    product_ids.update(
        Product.objects.filter(pk__in=product_ids, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    product_ids = sorted(product_ids)
    index_ensure()
    alias = index_alias()
    today = timezone.localdate()
    categories = _category_facts()
    present: set[int] = set()
    actions: list[dict] = []
    for batch in _batches(product_ids, BATCH_SIZE):
        facts = product_facts_list(batch, categories=categories)
        present.update(item.id for item in facts)
        actions.extend(document_actions(facts, index=alias, today=today))
    actions.extend(
        {"_op_type": "delete", "_index": alias, "_id": pk}
        for pk in product_ids
        if pk not in present
    )
    failed = sum(1 for ok in engine.bulk(actions) if not ok)
    if failed:
        raise engine.SearchUnavailable(f"{failed} product documents were refused")
    engine.refresh(alias)
    # The save that queued this sync already moved these products' versions,
    # but a request in between could have cached the index's old answer (its
    # facets, its order) under them.
    product_versions_bump(product_ids=product_ids)


def products_with_label_changes(*, today: datetime.date, days: int = 1) -> list[int]:
    """Return products whose certifications started or ended in the last days."""
    since = today - datetime.timedelta(days=days)
    changed = Certification.objects.filter(
        Q(valid_from__gt=since, valid_from__lte=today)
        | Q(valid_until__gte=since, valid_until__lt=today)
    )
    return sorted(
        set(
            Product.objects.filter(certifications__in=changed).values_list(
                "pk", flat=True
            )
        )
    )
