"""Search benchmark (not a test): `make bench-search`.

Generates a synthetic catalogue of BENCH_SEARCH_DOCS (default 100,000) products
as `ProductFacts`, indexes them through the same document/bulk code as
`search_index rebuild`, then times at least 1,000 varied faceted queries and
1,000 autocomplete queries. Reports engine-side `took` and client-side p50/p95.
Starts its own noida-db unless ELASTICSEARCH_URL is set.
"""

import contextlib
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

TARGETS = {"reindex_docs_s": 3000, "faceted_p95_ms": 30, "autocomplete_p95_ms": 15}

WORDS = {
    "products": [
        "Huile d'argane", "Huile d'olive", "Safran", "Miel", "Amlou", "Dattes",
        "Amandes", "Figues", "Eau de rose", "Savon noir", "Couscous", "Fromage",
        "Clémentines", "Confiture", "Thé", "Câpres", "Ghassoul", "Henné",
    ],
    "qualifiers": [
        "bio", "alimentaire", "cosmétique", "vierge extra", "beldi", "Majhoul",
        "d'euphorbe", "de thym", "de chèvre", "torréfiée", "traditionnel", "sauvage",
    ],
    "places": [
        "Taliouine", "Tafilalet", "Chefchaouen", "Berkane", "Kelâat M'Gouna",
        "Tafraout", "Essaouira", "Azilal", "Fès", "Meknès", "Agadir", "Ouarzazate",
    ],
    "queries": [
        "huile argan", "argane", "safarn", "amlu", "زيت الأركان", "miel bio",
        "kelaat", "fès", "dattes majhoul", "fromage chevre", "savon", "henne",
        "huile olive vierge", "miel thym", "amandes tafraout", "confiture figues",
    ],
    "prefixes": [
        "hu", "hui", "huile d", "saf", "safr", "mie", "aml", "dat", "datt", "fro",
        "kela", "tal", "coop", "coopérative ta", "cos", "épi", "figu", "ama",
    ],
}  # fmt: skip


def _setup_django():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    os.environ.setdefault("ELASTICSEARCH_INDEX_PREFIX", f"bench{os.getpid()}")
    import django

    django.setup()


def _percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def synthetic_facts(count, rng):
    from catalog.models import Certification, Region
    from search.documents import CategoryFacts, LabelFacts, ProductFacts

    regions = list(Region.values)
    schemes = list(Certification.Scheme.values)
    categories = [
        CategoryFacts(id=i, name=name, ancestor_ids=(i // 10,))
        for i, name in enumerate(
            [f"{w} {q}" for w in WORDS["products"] for q in ("", "premium")], start=10
        )
    ]
    now = datetime.datetime.now(tz=datetime.UTC)
    today = now.date()
    for pk in range(1, count + 1):
        title = " ".join(
            [
                rng.choice(WORDS["products"]),
                rng.choice(WORDS["qualifiers"]),
                "de",
                rng.choice(WORDS["places"]),
            ]
        )
        coop = rng.randrange(1, 800)
        labels = []
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            start = today - datetime.timedelta(days=rng.randrange(1, 700))
            labels.append(
                LabelFacts(
                    scheme=rng.choice(schemes),
                    name=title,
                    valid_from=start,
                    valid_until=start
                    + datetime.timedelta(days=rng.randrange(30, 1100)),
                )
            )
        yield ProductFacts(
            id=pk,
            title=title,
            slug=f"product-{pk}",
            description=f"{title}. Produit de coopérative, récolte {2020 + pk % 6}.",
            cooperative_id=coop,
            cooperative_name=f"Coopérative {rng.choice(WORDS['places'])} {coop}",
            cooperative_city=rng.choice(WORDS["places"]),
            region=rng.choice(regions),
            cold_chain=rng.random() < 0.15,
            date_created=now - datetime.timedelta(minutes=pk),
            categories=(rng.choice(categories),),
            labels=tuple(labels),
            price=Decimal(rng.randrange(1500, 90000)) / 100,
            in_stock_online=rng.random() < 0.8,
            stores_in_stock=tuple(s for s in (1, 2, 3) if rng.random() < 0.3),
        )


@contextlib.contextmanager
def synthetic_index(*, count, rng, data_prefix, progress=None):
    """Load `count` synthetic products into a fresh published index, dropped after.

    Uses $ELASTICSEARCH_URL when set, else a local engine in a temporary folder
    under var/ that is stopped and removed on exit. Yields (index, indexed,
    failed, seconds spent loading).
    """
    from django.conf import settings
    from django.utils import timezone

    from search import engine, local_engine, services

    local = None
    if not os.environ.get("ELASTICSEARCH_URL"):
        data_dir = Path(tempfile.mkdtemp(prefix=data_prefix, dir=settings.VAR_DIR))
        local = local_engine.start(data_dir)
        settings.ELASTICSEARCH_URL = local.url
    print(f"Engine: {settings.ELASTICSEARCH_URL} ({engine.ping()['version']})")
    try:
        print(f"Indexing {count} synthetic products…")
        index = services.index_create(bulk_load=True)
        started = time.perf_counter()
        actions = services.document_actions(
            synthetic_facts(count, rng), index=index, today=timezone.localdate()
        )
        indexed, failed = services.index_load(
            index=index,
            actions=actions,
            total=count,
            progress=progress or (lambda done, total: None),
        )
        services.index_publish(index=index)
        yield index, indexed, failed, time.perf_counter() - started
    finally:
        for name in engine.indices_matching(f"{services.index_alias()}-*"):
            engine.delete_index(name)
        if local:
            local.stop()
            shutil.rmtree(local.data_dir, ignore_errors=True)


def random_query(rng):
    from catalog.models import Certification, Region
    from search.queries import SORT_CHOICES, ProductQuery

    return ProductQuery(
        text=rng.choice(WORDS["queries"] + [""] * 4),
        scope_category=rng.choice([None] * 4 + list(range(10, 20))),
        labels=tuple(
            rng.sample(list(Certification.Scheme.values), rng.choice((0, 0, 1, 2)))
        ),
        regions=tuple(rng.sample(list(Region.values), rng.choice((0, 0, 1, 2)))),
        cooperatives=tuple(rng.sample(range(1, 800), rng.choice((0, 0, 0, 1)))),
        price_min=rng.choice([None, None, Decimal(50), Decimal(100)]),
        price_max=rng.choice([None, None, Decimal(200), Decimal(500)]),
        in_stock=rng.random() < 0.3,
        cold_chain=rng.choice([None, None, None, True, False]),
        sort=rng.choice([value for value, _label in SORT_CHOICES]),
        page=rng.choice((1, 1, 1, 2, 5)),
    )


def timed(run, searches, budget=None):
    """Run searches in turn (stopping early once the time budget is spent)."""
    took, client = [], []
    deadline = time.monotonic() + budget if budget else None
    for search in searches:
        if deadline and time.monotonic() > deadline:
            break
        start = time.perf_counter()
        response = run(search)
        client.append((time.perf_counter() - start) * 1000)
        took.append(response.took)
    return took, client


def main():
    _setup_django()
    from django.conf import settings

    from search import engine, services
    from search.engine import dsl
    from search.queries import build_autocomplete, build_search

    count = int(os.environ.get("BENCH_SEARCH_DOCS", "100000"))
    runs = int(os.environ.get("BENCH_SEARCH_QUERIES", "1000"))
    # A slow engine could take hours for the query phases: cap each one.
    budget = float(os.environ.get("BENCH_SEARCH_SECONDS", "600"))
    settings.ELASTICSEARCH_TIMEOUT = 300
    rng = random.Random(20261123)  # noqa: S311 - reproducible synthetic data

    def progress(done, total):
        if done % 20000 == 0 or done == total:
            print(f"  {done}/{total}")

    with synthetic_index(
        count=count, rng=rng, data_prefix="bench-search-", progress=progress
    ) as (_index, indexed, failed, seconds):
        rate = indexed / seconds
        print(f"  {indexed} indexed, {failed} failed in {seconds:.1f}s")

        run = engine.execute
        queries = [build_search(random_query(rng)) for _ in range(runs)]
        timed(run, queries[:20], budget / 10)  # warm caches
        f_took, f_client = timed(run, queries, budget)
        prefixes = [
            rng.choice(WORDS["prefixes"])[: rng.randrange(2, 15)] for _ in range(runs)
        ]
        completions = [build_autocomplete(text=p) for p in prefixes]
        timed(run, completions[:20], budget / 10)
        a_took, a_client = timed(run, completions, budget)
        # The cheapest request there is: it tells the engine's own cost per
        # request at this size from the cost of our queries.
        floor = [
            dsl.Search(index=services.index_alias()).query("ids", values=[str(pk)])
            for pk in rng.sample(range(1, count + 1), min(count, 50))
        ]
        _took, floor_client = timed(run, floor, budget / 10)

    def line(name, took, client, target):
        p95 = _percentile(took, 95)
        # Judged on the client side, which bounds the engine's own time from
        # above: an engine may report "took": 0 whatever it really spent.
        verdict = "OK" if _percentile(client, 95) <= target else "MISSED"
        engine_side = f"engine p50 {statistics.median(took):6.1f} ms  p95 {p95:6.1f} ms"
        client_side = (
            f"client p50 {statistics.median(client):6.1f} ms  "
            f"p95 {_percentile(client, 95):6.1f} ms"
        )
        target_side = f"target p95 ≤ {target} ms: {verdict}"
        return f"{name:<13} {engine_side}   {client_side}   {target_side}"

    print("\nSummary")
    verdict = "OK" if rate >= TARGETS["reindex_docs_s"] else "MISSED"
    print(
        f"reindex       {rate:8.0f} docs/s ({indexed} docs)   "
        f"target ≥ {TARGETS['reindex_docs_s']}: {verdict}"
    )
    print(line("faceted", f_took, f_client, TARGETS["faceted_p95_ms"]))
    print(line("autocomplete", a_took, a_client, TARGETS["autocomplete_p95_ms"]))
    print(
        f"floor         one document by id: client p50 "
        f"{statistics.median(floor_client):6.1f} ms  "
        f"p95 {_percentile(floor_client, 95):6.1f} ms (the engine's cost per request)"
    )
    print(
        f"({len(f_took)} faceted and {len(a_took)} autocomplete queries of {runs} "
        f"planned, {budget:.0f}s budget each; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
