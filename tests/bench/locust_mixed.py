"""Mixed workload for `make bench`: shoppers browse, search, add and order at once.

Run by tests/bench/bench_storefront.py (`locust --headless`), which passes the
pages to visit in BENCH_MIXED_PLAN. Most shoppers browse without a cookie; some
add to a basket (and from then on carry a session), and about one order a second
is placed cash on delivery. Prints one BENCH_MIXED_JSON line when the run stops:
per-page requests, req/s and p95, the page cache's answers (X-Page-Cache),
orders placed and errors.
"""

import json
import os
import random
import time
from collections import Counter

from locust import HttpUser, between, events, task

PLAN = json.loads(os.environ.get("BENCH_MIXED_PLAN") or "{}")
ADDRESS = {
    "first_name": "Salma",
    "last_name": "Bennani",
    "line1": "12 rue Tarik Ibn Ziad",
    "line4": "Casablanca",
    "postcode": "20000",
    "country": "MA",
    "phone_number": "06 12 34 56 78",
}
page_cache: Counter = Counter()
orders = 0
started = time.monotonic()


class Shopper(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.products = PLAN["products"]

    def _keep_cookies(self, response):
        # Production cookies are Secure: a browser behind TLS sends them back,
        # the bench talks plain http on loopback, so they are kept by hand.
        jar = self.client.cookies
        for cookie in list(jar):
            if cookie.secure:
                jar.clear(cookie.domain, cookie.path, cookie.name)
        for cookie in response.cookies:
            jar.set(cookie.name, cookie.value)

    def _get(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as response:
            self._keep_cookies(response)
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")
            elif outcome := response.headers.get("X-Page-Cache"):
                page_cache[outcome] += 1
        return response

    def _post(self, path, name, data, expect=302):
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": token, **data},
            headers={"X-CSRFToken": token, "Referer": self.host + path},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep_cookies(response)
            if response.status_code != expect:
                response.failure(f"{name} {path} answered {response.status_code}")
                return False
        return True

    @task(4)
    def home(self):
        self._get(PLAN["home"], "home")

    @task(6)
    def category(self):
        self._get(random.choice(PLAN["categories"]), "category")

    @task(10)
    def product(self):
        self._get(random.choice(self.products)[0], "product")

    @task(4)
    def search(self):
        self._get(f"{PLAN['search']}?q={random.choice(PLAN['searches'])}", "search")

    @task(2)
    def add_to_basket(self):
        page, add = random.choice(self.products)
        self._get(page, "product")
        self._post(add, "basket-add", {"quantity": 1})

    @task(1)
    def order_cash_on_delivery(self):
        """A new shopper adds one product, then the whole guest checkout, ending
        with a placed order (about one a second with 50 shoppers)."""
        global orders
        # Not this shopper's basket: what the other tasks added could pass
        # the cash-on-delivery ceiling, which then (rightly) refuses it.
        self.client.cookies.clear()
        steps = PLAN["checkout"]
        page, add = random.choice(self.products)
        self._get(page, "product")
        email = f"bench-{random.randrange(10**9)}@example.ma"
        ok = (
            self._post(add, "basket-add", {"quantity": 1})
            and self._post(
                steps["index"],
                "checkout",
                {"username": email, "options": "anonymous"},
            )
            and self._post(steps["shipping-address"], "checkout", ADDRESS)
            and self._post(
                steps["shipping-method"], "checkout", {"method_code": "standard"}
            )
            and self._post(
                steps["payment-method"], "checkout", {"method": "cash_on_delivery"}
            )
            and self._post(steps["preview"], "place-order", {"action": "place_order"})
        )
        if ok:
            orders += 1
            self._get(steps["thank-you"], "thank-you")
        # A new shopper next time: an order empties the basket, not the session.
        self.client.cookies.clear()


@events.quitting.add_listener
def report(environment, **_kwargs):
    stats = environment.stats
    pages = {}
    for (name, _method), entry in stats.entries.items():
        pages[name] = {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "requests_per_s": round(entry.total_rps, 1),
            "p95_ms": entry.get_response_time_percentile(0.95),
        }
    answered = sum(page_cache.values())
    cacheable = page_cache["hit"] + page_cache["miss"]
    summary = {
        "seconds": time.monotonic() - started,
        "pages": pages,
        "page_cache": {k: page_cache[k] for k in ("hit", "miss", "bypass")},
        "hit_rate": page_cache["hit"] / answered if answered else 0.0,
        "hit_rate_cacheable": page_cache["hit"] / cacheable if cacheable else 0.0,
        "orders": orders,
        "errors": stats.total.num_failures,
        "error_kinds": {str(e.error): e.occurrences for e in stats.errors.values()},
    }
    print("BENCH_MIXED_JSON " + json.dumps(summary), flush=True)
