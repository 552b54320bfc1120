"""Time the autocomplete endpoint on the current database and index.

Sends varied prefixes (word starts of product titles, cooperatives and
categories) through the whole request stack and reports the server time per
request: with an empty cache before each request, then each prefix for the first
time (the usual case), then each prefix again (a common prefix).
"""

import random
import statistics
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.test import Client
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from catalog.models import Cooperative
from search.services import indexable_products

Category = get_model("catalogue", "Category")


def _prefixes(names: list[str], count: int, seed: int) -> list[str]:
    """Return `count` distinct prefixes a shopper could type (2 to 12 characters)."""
    candidates = set()
    for name in names:
        words = name.split()
        for start in range(min(len(words), 3)):
            tail = " ".join(words[start:]).casefold()
            for length in range(2, min(len(tail), 12) + 1):
                prefix = tail[:length].rstrip()
                if len(prefix) >= 2:
                    candidates.add(prefix)
    ordered = sorted(candidates)
    random.Random(seed).shuffle(ordered)  # noqa: S311 - a reproducible sample
    return ordered[:count]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Report autocomplete server time (p50/p95) over varied prefixes."

    def add_arguments(self, parser):
        parser.add_argument("--prefixes", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--language", default="fr")

    def handle(self, *args, prefixes, seed, language, **options):
        names = list(indexable_products().values_list("title", flat=True))
        names += Cooperative.objects.values_list("name", flat=True)
        names += Category.objects.values_list("name", flat=True)
        texts = _prefixes(names, prefixes, seed)
        with translation.override(language):
            url = reverse("search:autocomplete")
        client = Client()
        self._get(client, url, texts[0])  # connections and lazy imports
        empty = []
        for text in texts:
            cache.clear()
            empty.append(self._get(client, url, text))
        cache.clear()
        first = [self._get(client, url, text) for text in texts]
        again = [self._get(client, url, text) for text in texts]
        self.stdout.write(f"{len(texts)} prefixes, e.g. {', '.join(texts[:6])}")
        for label, timings in (
            ("empty cache before each request", empty),
            ("each prefix for the first time ", first),
            ("each prefix again              ", again),
        ):
            self.stdout.write(
                f"{label}: p50 {statistics.median(timings):5.1f} ms, "
                f"p95 {_percentile(timings, 0.95):5.1f} ms, "
                f"max {max(timings):5.1f} ms"
            )

    def _get(self, client: Client, url: str, text: str) -> float:
        started = time.perf_counter()
        response = client.get(url, {"q": text}, secure=True)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or response.json()["degraded"]:
            raise SystemExit(f"{text!r}: HTTP {response.status_code}, degraded?")
        return elapsed
