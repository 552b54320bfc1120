"""A shopper walking through checkout with Django's test client (real views)."""

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation

MOROCCAN_ADDRESS = {
    "first_name": "Salma",
    "last_name": "Bennani",
    "line1": "12 rue Tarik Ibn Ziad",
    "line4": "Casablanca",
    "postcode": "20000",
    "country": "MA",
    "phone_number": "06 12 34 56 78",
}
FRENCH_ADDRESS = {
    **MOROCCAN_ADDRESS,
    "line1": "3 rue de la République",
    "line4": "Lyon",
    "postcode": "69001",
    "country": "FR",
    "phone_number": "+33 6 12 34 56 78",
}

CARD_OK = "4242424242424242"
# localstripe declines this one when charging (its 0002 declines on attach only).
CARD_DECLINED = "4000000000000341"
CARD_3DS = "4000002760003184"


def card_token(number: str = CARD_OK) -> str:
    """Tokenise a test card at localstripe, as Stripe.js does in the browser."""
    body = urllib.parse.urlencode(
        {
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
            "key": settings.STRIPE_PUBLISHABLE_KEY,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{settings.STRIPE_API_BASE}/v1/tokens", data=body, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())["id"]


def stripe_get(path: str) -> dict:
    """Read an object straight from localstripe (what Stripe really holds)."""
    request = urllib.request.Request(  # noqa: S310
        f"{settings.STRIPE_API_BASE}{path}",
        headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def intent_status(reference: str) -> str:
    """The PaymentIntent's status as localstripe holds it."""
    return stripe_get(f"/v1/payment_intents/{reference}")["status"]


def stripe_list(path: str) -> list[dict]:
    """Every object of a localstripe list endpoint, page after page."""
    objects, after = [], ""
    while True:
        page = stripe_get(f"{path}?limit=100{after}")
        objects.extend(page["data"])
        if not page["has_more"]:
            return objects
        after = f"&starting_after={page['data'][-1]['id']}"


def stripe_post(path: str, data: dict | None = None) -> dict:
    request = urllib.request.Request(  # noqa: S310
        f"{settings.STRIPE_API_BASE}{path}",
        data=urllib.parse.urlencode(data or {}).encode(),
        headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def url(name: str, language: str = "en", **kwargs) -> str:
    """Checkout URLs in English by default, so tests read the source strings."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@dataclass
class Shopper:
    client: object
    email: str = "salma@example.ma"
    language: str = "en"

    def add(self, product, quantity: int = 1):
        return self.client.post(
            url("basket:add", self.language, pk=product.pk), {"quantity": quantity}
        )

    def start_as_guest(self):
        return self.client.post(
            url("checkout:index", self.language),
            {"username": self.email, "options": "anonymous"},
        )

    def address(self, **fields):
        return self.client.post(
            url("checkout:shipping-address", self.language),
            {**MOROCCAN_ADDRESS, **fields},
        )

    def shipping_page(self):
        return self.client.get(
            url("checkout:shipping-method", self.language), follow=True
        )

    def ship_by(self, code: str):
        return self.client.post(
            url("checkout:shipping-method", self.language), {"method_code": code}
        )

    def pay_by(self, method: str):
        return self.client.post(
            url("checkout:payment-method", self.language), {"method": method}
        )

    def place(self, card: str | None = None, follow: bool = True):
        data = {"action": "place_order"}
        if card:
            data["card_token"] = card_token(card)
        return self.client.post(
            url("checkout:preview", self.language), data, follow=follow
        )

    def return_from_bank(self, reference: str):
        """Post back from Stripe.js, as the authentication page does."""
        return self.client.post(
            url("checkout:card-complete", self.language),
            {"payment_intent": reference},
            follow=True,
        )

    def up_to_payment(self, products, *, shipping: str, address=None):
        for product, quantity in products:
            self.add(product, quantity)
        self.start_as_guest()
        self.address(**(address or {}))
        self.ship_by(shipping)

    def buy_cash_on_delivery(self, products, *, shipping: str = "standard"):
        """The whole guest checkout, paid on delivery; the page after placing."""
        self.up_to_payment(products, shipping=shipping)
        self.pay_by("cash_on_delivery")
        return self.place()


def page_text(response) -> str:
    return response.content.decode()
