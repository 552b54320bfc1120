"""Typed objects exchanged between checkout code and payment gateways."""

import enum
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from oscar.apps.payment.exceptions import PaymentError, UnableToTakePayment

# ISO 4217 minor units; every currency we sell in has two decimals today.
MINOR_UNIT_EXPONENT = {"MAD": 2, "EUR": 2}


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Convert a Decimal amount to the integer minor units Stripe expects."""
    exponent = MINOR_UNIT_EXPONENT.get(currency.upper(), 2)
    scaled = (amount * (Decimal(10) ** exponent)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return int(scaled)


def from_minor_units(value: int, currency: str) -> Decimal:
    """Convert integer minor units back to a Decimal amount."""
    exponent = MINOR_UNIT_EXPONENT.get(currency.upper(), 2)
    return (Decimal(value) / (Decimal(10) ** exponent)).quantize(
        Decimal(1).scaleb(-exponent)
    )


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"  # nothing taken yet: cash on delivery, pay at pickup
    REQUIRES_ACTION = "requires_action"  # the shopper must authenticate (3-D Secure)
    AUTHORIZED = "authorized"  # funds held, to capture after the order is placed
    CAPTURED = "captured"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass(frozen=True)
class PaymentRequest:
    order_number: str
    amount: Decimal
    currency: str
    basket_id: int
    payment_token: str = ""


@dataclass(frozen=True)
class PaymentResult:
    reference: str
    status: PaymentStatus
    amount: Decimal
    currency: str
    amount_refunded: Decimal = Decimal("0.00")
    client_secret: str = ""
    error: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    reference: str


class PaymentDeclined(UnableToTakePayment):
    """The shopper's payment was refused (declined card, failed 3-D Secure)."""


class GatewayError(PaymentError):
    """The gateway refused a request or could not be reached."""


class InvalidWebhook(Exception):
    """A webhook payload whose signature or shape cannot be trusted."""


class PaymentGateway(Protocol):
    code: str

    def authorize(self, request: PaymentRequest) -> PaymentResult: ...

    def retrieve(self, reference: str) -> PaymentResult: ...

    def capture(
        self, reference: str, amount: Decimal | None = None
    ) -> PaymentResult: ...

    def cancel(self, reference: str) -> PaymentResult: ...

    def refund(self, reference: str, amount: Decimal) -> PaymentResult: ...

    def parse_webhook(self, payload: bytes, signature: str) -> WebhookEvent: ...
