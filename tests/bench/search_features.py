"""Which query features cost time on the engine (not a test).

`python -m tests.bench.search_features`: indexes BENCH_SEARCH_DOCS (default
10,000) synthetic products with the production mapping, then times each query
feature alone against match_all and prints one line per feature (client-side
p50/p95 over BENCH_FEATURE_RUNS runs). Starts its own noida-db unless
ELASTICSEARCH_URL is set.
"""

import os
import random
import statistics
import time

from tests.bench.search_bench import _percentile, _setup_django, synthetic_index

TEXT = "huile argan"


def feature_bodies(today: str) -> dict[str, dict]:
    """Return one request body per feature, each adding one thing to match_all."""
    match = {"match": {"text": {"query": TEXT, "operator": "and"}}}
    label = {
        "range": {
            "label_validity.igp": {"gte": today, "lte": today, "relation": "contains"}
        }
    }
    return {
        "match_all size 0": {"size": 0},
        "match_all size 20": {"size": 20},
        "match_all size 20 track_total_hits": {"size": 20, "track_total_hits": True},
        "match_all sort date_created": {"size": 20, "sort": [{"date_created": "desc"}]},
        "match_all sort price+tiebreak": {
            "size": 20,
            "sort": [
                {"price": "asc"},
                {"in_stock_online": "desc"},
                {"product_id": "asc"},
            ],
        },
        "match text": {"size": 20, "query": match},
        "match title": {"size": 20, "query": {"match": {"title": TEXT}}},
        "match text.ar": {"size": 20, "query": {"match": {"text.ar": "زيت الأركان"}}},
        "match text fuzziness AUTO": {
            "size": 20,
            "query": {
                "match": {
                    "text": {
                        "query": TEXT,
                        "operator": "and",
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                        "max_expansions": 20,
                    }
                }
            },
        },
        "bool must text + should title": {
            "size": 20,
            "query": {
                "bool": {
                    "must": [match],
                    "should": [{"match": {"title": {"query": TEXT, "boost": 4}}}],
                }
            },
        },
        "bool filter title + must text": {
            "size": 20,
            "query": {
                "bool": {
                    "must": [match],
                    "filter": [{"term": {"region": "souss-massa"}}],
                }
            },
        },
        "match_phrase title": {"size": 20, "query": {"match_phrase": {"title": TEXT}}},
        "multi_match 3 fields": {
            "size": 20,
            "query": {
                "multi_match": {"query": TEXT, "fields": ["title^4", "text", "text.ar"]}
            },
        },
        "multi_match title^4,text operator and": {
            "size": 20,
            "query": {
                "multi_match": {
                    "query": TEXT,
                    "fields": ["title^4", "text"],
                    "operator": "and",
                }
            },
        },
        "current _text_query": None,  # filled by caller
        "match title.ac (edge ngram)": {
            "size": 6,
            "query": {"match": {"title.ac": {"query": "huile d", "operator": "and"}}},
        },
        "prefix title.sort": {
            "size": 6,
            "query": {"prefix": {"title.sort": "huile d"}},
        },
        "match_phrase_prefix title": {
            "size": 6,
            "query": {"match_phrase_prefix": {"title": "huile d"}},
        },
        "completion suggest": {
            "size": 0,
            "suggest": {
                "s": {
                    "prefix": "huile d",
                    "completion": {"field": "suggest", "size": 6},
                }
            },
        },
        "completion suggest fuzzy": {
            "size": 0,
            "suggest": {
                "s": {
                    "prefix": "huile d",
                    "completion": {
                        "field": "suggest",
                        "size": 6,
                        "skip_duplicates": True,
                        "fuzzy": {
                            "fuzziness": "AUTO",
                            "min_length": 4,
                            "prefix_length": 2,
                        },
                    },
                }
            },
        },
        "term filter region": {
            "size": 20,
            "query": {"bool": {"filter": [{"term": {"region": "souss-massa"}}]}},
        },
        "range filter price": {
            "size": 20,
            "query": {
                "bool": {"filter": [{"range": {"price": {"gte": 50, "lte": 200}}}]}
            },
        },
        "date_range contains filter (label)": {
            "size": 20,
            "query": {"bool": {"filter": [label]}},
        },
        "post_filter term": {
            "size": 20,
            "post_filter": {"term": {"region": "souss-massa"}},
        },
        "terms agg keyword (region)": {
            "size": 0,
            "aggs": {"a": {"terms": {"field": "region", "size": 12}}},
        },
        "terms agg keyword (cooperative, 800 values)": {
            "size": 0,
            "aggs": {"a": {"terms": {"field": "cooperative_id", "size": 20}}},
        },
        "terms agg keyword multi-valued (category_ids)": {
            "size": 0,
            "aggs": {"a": {"terms": {"field": "category_ids", "size": 40}}},
        },
        "terms agg boolean (cold_chain)": {
            "size": 0,
            "aggs": {"a": {"terms": {"field": "cold_chain"}}},
        },
        "range agg price (5 buckets)": {
            "size": 0,
            "aggs": {
                "a": {
                    "range": {
                        "field": "price",
                        "ranges": [
                            {"to": 50},
                            {"from": 50, "to": 100},
                            {"from": 100, "to": 200},
                            {"from": 200, "to": 500},
                            {"from": 500},
                        ],
                    }
                }
            },
        },
        "stats agg price": {"size": 0, "aggs": {"a": {"stats": {"field": "price"}}}},
        "filter agg (term)": {
            "size": 0,
            "aggs": {"a": {"filter": {"term": {"in_stock_online": True}}}},
        },
        "filters agg (5 label ranges)": {
            "size": 0,
            "aggs": {
                "a": {
                    "filters": {
                        "filters": {
                            s: {
                                "range": {
                                    f"label_validity.{s}": {
                                        "gte": today,
                                        "lte": today,
                                        "relation": "contains",
                                    }
                                }
                            }
                            for s in (
                                "igp",
                                "aop",
                                "label_agricole",
                                "organic",
                                "sanitary",
                            )
                        }
                    }
                }
            },
        },
        "filter(match_all)+terms agg": {
            "size": 0,
            "aggs": {
                "a": {
                    "filter": {"match_all": {}},
                    "aggs": {"v": {"terms": {"field": "region"}}},
                }
            },
        },
        "highlight title (match text)": {
            "size": 20,
            "query": match,
            "highlight": {
                "fields": {"title": {"number_of_fragments": 0}},
                "require_field_match": False,
            },
        },
    }


def main():
    _setup_django()
    from django.conf import settings
    from django.utils import timezone

    from search import engine, services
    from search.queries import (
        ProductQuery,
        _facet_aggregations,
        _text_query,
        build_autocomplete,
        build_search,
    )

    count = int(os.environ.get("BENCH_SEARCH_DOCS", "10000"))
    runs = int(os.environ.get("BENCH_FEATURE_RUNS", "30"))
    settings.ELASTICSEARCH_TIMEOUT = 300
    rng = random.Random(20261123)  # noqa: S311 - reproducible synthetic data
    with synthetic_index(count=count, rng=rng, data_prefix="bench-feat-") as (
        index,
        indexed,
        _failed,
        _seconds,
    ):
        client = engine.get_client()
        print(f"{indexed} docs indexed in {index}")
        today = timezone.localdate().isoformat()
        bodies = feature_bodies(today)
        bodies["current _text_query"] = {
            "size": 20,
            "query": _text_query(TEXT).to_dict(),
        }
        query = ProductQuery(text=TEXT)
        bodies["current facet aggs (7, match_all)"] = {
            "size": 0,
            "aggs": _facet_aggregations(query, {}),
        }
        bodies["current full search q=argan"] = build_search(
            ProductQuery(text="argan")
        ).to_dict()
        bodies["current full listing (no text)"] = build_search(
            ProductQuery()
        ).to_dict()
        bodies["current autocomplete 'huile d'"] = build_autocomplete(
            text="huile d"
        ).to_dict()
        only = os.environ.get("BENCH_FEATURES")
        for name, body in bodies.items():
            if only and not any(part in name for part in only.split(",")):
                continue
            times = []
            deadline = time.monotonic() + 20
            for _ in range(runs):
                start = time.perf_counter()
                client.search(index=services.index_alias(), body=body)
                times.append((time.perf_counter() - start) * 1000)
                if time.monotonic() > deadline:
                    break
            print(
                f"{name:<48} p50 {statistics.median(times):8.1f} ms  "
                f"p95 {_percentile(times, 95):8.1f} ms  (n={len(times)})",
                flush=True,
            )


if __name__ == "__main__":
    main()
