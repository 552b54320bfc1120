"""Profile pages in-process against the bench catalogue (after one `make bench`).

    .venv/bin/python -m tests.bench.bench_profile /fr/ /fr/shop/search/?q=argan

Uses the bench settings (DEBUG off, bench database, its own search engine and a
cold cache per run) with the whole-page cache off, so every request renders
the page (fragments and data stay cached, as after a change to one product);
renders each path once to warm up, measures the CPU time of
BENCH_PROFILE_REQUESTS (20) renders, then profiles as many with pyinstrument
and prints the tree. A path written `POST <path>` is posted (quantity 1) by
one shopper who keeps their cookies, e.g. an add to the basket:

    .venv/bin/python -m tests.bench.bench_profile "POST /fr/shop/basket/add/42/"

Other fields follow the path, form-encoded: "POST <path> code=BENCH-1&quantity=1".

BENCH_PROFILE_LOGIN=<email> signs that user in first (store staff at the counter).
BENCH_PROFILE_PAGE_CACHE=<seconds> turns the whole-page cache on, to profile
what a stored page costs to serve (the visitor without cookies gets hits).
"""

import os
import sys
import time
from urllib.parse import parse_qsl

from tests.bench.bench_storefront import BENCH_DIR, bench_env


def main(paths: list[str]) -> int:
    from pyinstrument import Profiler

    from search import local_engine

    engine = local_engine.start(BENCH_DIR / "search")
    try:
        env = bench_env(f"profile-{time.time_ns()}")
        env["ELASTICSEARCH_URL"] = engine.url
        env["PAGE_CACHE_SECONDS"] = os.environ.get("BENCH_PROFILE_PAGE_CACHE") or "0"
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client(HTTP_HOST="127.0.0.1")
        login = os.environ.get("BENCH_PROFILE_LOGIN")
        if login:
            from django.contrib.auth import get_user_model

            client.force_login(get_user_model().objects.get(email=login))

        def get(path):
            method, _, rest = path.partition(" ")
            if method == "POST":
                # A shopper with a session and a basket, like wrk's connections,
                # whose one-off messages are not carried to the next request.
                client.cookies.pop("messages", None)
                post_path, _, data = rest.partition(" ")
                fields = dict(parse_qsl(data)) if data else {"quantity": 1}
                return client.post(post_path, fields)
            if not login:
                # No cookies kept between requests, like the load generator.
                client.cookies.clear()
            return client.get(path)

        count = int(os.environ.get("BENCH_PROFILE_REQUESTS") or 20)
        for path in paths:
            first = get(path)
            with CaptureQueriesContext(connection) as queries:
                get(path)
            # CPU time of this process: the search engine and the database
            # server (PostgreSQL) work in their own.
            cpu_started = time.process_time()
            for _ in range(count):
                get(path)
            cpu = (time.process_time() - cpu_started) / count * 1000
            profiler = Profiler()
            started = time.perf_counter()
            with profiler:
                for _ in range(count):
                    get(path)
            elapsed = (time.perf_counter() - started) / count * 1000
            print(
                f"== {path}: status {first.status_code}, {len(queries)} queries, "
                f"{cpu:.1f} ms CPU per render ({elapsed:.1f} ms profiled)"
            )
            show_all = os.environ.get("BENCH_PROFILE_ALL") == "1"
            print(profiler.output_text(unicode=True, color=False, show_all=show_all))
        return 0
    finally:
        engine.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["/fr/"]))
