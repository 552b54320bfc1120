"""Shoppers of `make loadtest`: the mixed bench workload, card checkouts, and races.

Run by tests/bench/loadtest.py (`locust --headless`), which passes the pages in
BENCH_MIXED_PLAN. On top of tests/bench/locust_mixed.py (browse, search, add,
cash on delivery) shoppers pay by card through localstripe the way Stripe.js
does without a browser: the card is tokenised at localstripe, then "Place
order" holds, places and captures; a 3-D Secure card is confirmed at
localstripe and the shopper posts back from the bank (the webhook may place it
first). Others race for a few scarce products, where a sold-out refusal is an
expected answer, not an error. Prints one LOADTEST_JSON line when the run stops.
"""

import json
import os
import random
import re
import time
from collections import Counter

from locust import events, task

from tests.bench import locust_mixed as mixed

STRIPE = os.environ.get("LOADTEST_STRIPE_URL", "")
PUBLISHABLE_KEY = os.environ.get("LOADTEST_STRIPE_PUBLISHABLE_KEY", "")
SECRET_KEY = os.environ.get("LOADTEST_STRIPE_SECRET_KEY", "")
CARD_OK = "4242424242424242"
CARD_3DS = "4000002760003184"
CLIENT_SECRET = re.compile(
    r'id="stripe-client-secret" type="application/json">"([^"]+)"'
)
outcomes: Counter = Counter()
started = time.monotonic()


class LoadShopper(mixed.Shopper):
    """A shopper of the mixed bench who also pays by card and races for stock."""

    def _checkout_to_preview(self, add: str, method: str) -> bool:
        steps = mixed.PLAN["checkout"]
        email = f"load-{random.randrange(10**9)}@example.ma"
        return (
            self._post(add, "basket-add", {"quantity": 1})
            and self._post(
                steps["index"], "checkout", {"username": email, "options": "anonymous"}
            )
            and self._post(steps["shipping-address"], "checkout", mixed.ADDRESS)
            and self._post(
                steps["shipping-method"], "checkout", {"method_code": "standard"}
            )
            and self._post(steps["payment-method"], "checkout", {"method": method})
        )

    def _place(self, name: str, data: dict, *, may_refuse: bool = False) -> str:
        """Post "Place order"; return where it led: placed, authenticate, refused."""
        steps = mixed.PLAN["checkout"]
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            steps["preview"],
            data={"csrfmiddlewaretoken": token, "action": "place_order", **data},
            headers={"X-CSRFToken": token, "Referer": self.host + steps["preview"]},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep_cookies(response)
            location = response.headers.get("Location", "")
            if response.status_code == 302 and location == steps["thank-you"]:
                return "placed"
            if response.status_code == 302 and "authenticate" in location:
                return "authenticate"
            if may_refuse and response.status_code in (200, 302):
                # Sold out: the preview says so (200) or the basket does (302).
                return "refused"
            response.failure(f"{name} answered {response.status_code} {location}")
        return "failed"

    def _stripe(self, path: str, data: dict, name: str) -> dict | None:
        """Call localstripe as Stripe.js does (listed apart from the shop's pages)."""
        with self.client.post(
            STRIPE + path,
            data=data,
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")
                return None
            return response.json()

    def _card_token(self, number: str) -> str | None:
        token = self._stripe(
            "/v1/tokens",
            {
                "card[number]": number,
                "card[exp_month]": "12",
                "card[exp_year]": "2034",
                "card[cvc]": "123",
                "key": PUBLISHABLE_KEY,
            },
            "stripe.js: token",
        )
        return token["id"] if token else None

    def _done(self, kind: str, outcome: str) -> None:
        outcomes[f"{kind}:{outcome}"] += 1
        if outcome == "placed":
            self._get(mixed.PLAN["checkout"]["thank-you"], "thank-you")
        self.client.cookies.clear()

    @task(2)
    def order_by_card(self):
        """The whole guest checkout paid by card (held, placed, then captured)."""
        page, add = random.choice(self.products)
        self._get(page, "product")
        token = self._checkout_to_preview(add, "card") and self._card_token(CARD_OK)
        outcome = (
            self._place("place-order-card", {"card_token": token})
            if token
            else "failed"
        )
        self._done("card", outcome)

    @task(1)
    def order_by_card_with_3d_secure(self):
        """A card the bank confirms (3-D Secure), then back to the shop."""
        page, add = random.choice(self.products)
        self._get(page, "product")
        token = self._checkout_to_preview(add, "card") and self._card_token(CARD_3DS)
        if not token:
            return self._done("card-3ds", "failed")
        outcome = self._place("place-order-card", {"card_token": token})
        if outcome == "authenticate":
            outcome = self._authenticate_and_return()
        return self._done("card-3ds", outcome)

    def _authenticate_and_return(self) -> str:
        steps = mixed.PLAN["checkout"]
        bank = self._get(steps["card-authenticate"], "card-authenticate")
        found = CLIENT_SECRET.search(bank.text or "")
        if not found:
            return "failed"
        secret = found[1]
        intent = secret.split("_secret_")[0]
        if not self._stripe(
            f"/v1/payment_intents/{intent}/_authenticate?success=true",
            {"client_secret": secret},
            "stripe.js: 3-D Secure",
        ):
            return "failed"
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            steps["card-complete"],
            data={"csrfmiddlewaretoken": token, "payment_intent": intent},
            headers={"Referer": self.host + steps["card-authenticate"]},
            name="card-complete",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep_cookies(response)
            if response.headers.get("Location") == steps["thank-you"]:
                return "placed"
            response.failure(f"card-complete answered {response.status_code}")
        return "failed"

    @task(1)
    def race_for_scarce_stock(self):
        """Cash on delivery for a product of a few units: placed or told it sold out."""
        page, add = random.choice(mixed.PLAN["scarce"])
        self._get(page, "product")
        outcome = (
            self._place("place-order-scarce", {}, may_refuse=True)
            if self._checkout_to_preview(add, "cash_on_delivery")
            else "refused"
        )
        self._done("scarce", outcome)


@events.quitting.add_listener
def report(environment, **_kwargs):
    stats = environment.stats
    pages = {
        name: {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "requests_per_s": round(entry.total_rps, 1),
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
        }
        for (name, _method), entry in stats.entries.items()
    }
    placed = {
        "cash_on_delivery": mixed.orders,
        "card": outcomes["card:placed"],
        "card_3d_secure": outcomes["card-3ds:placed"],
        "scarce_cash_on_delivery": outcomes["scarce:placed"],
    }
    summary = {
        "seconds": time.monotonic() - started,
        "pages": pages,
        "requests": stats.total.num_requests,
        "errors": stats.total.num_failures,
        "p95_ms": stats.total.get_response_time_percentile(0.95),
        "error_kinds": {str(e.error): e.occurrences for e in stats.errors.values()},
        "orders": placed,
        "orders_total": sum(placed.values()),
        "sold_out_refusals": outcomes["scarce:refused"],
        "outcomes": dict(outcomes),
    }
    print("LOADTEST_JSON " + json.dumps(summary), flush=True)
