"""Gateway for payments taken by hand (cash to the courier or at the store)."""

from decimal import Decimal

from shop.payments.types import (
    GatewayError,
    InvalidWebhook,
    PaymentRequest,
    PaymentResult,
    PaymentStatus,
)


class OfflineGateway:
    """Money changes hands outside any API: we only record what staff confirm."""

    code = ""

    def authorize(self, request: PaymentRequest) -> PaymentResult:
        return PaymentResult(
            reference=f"{self.code}-{request.order_number}",
            status=PaymentStatus.PENDING,
            amount=request.amount,
            currency=request.currency,
        )

    def retrieve(self, reference: str) -> PaymentResult:
        raise GatewayError(f"{self.code} payments have no remote state")

    def capture(self, reference: str, amount: Decimal | None = None) -> PaymentResult:
        return PaymentResult(
            reference=reference,
            status=PaymentStatus.CAPTURED,
            amount=amount or Decimal("0.00"),
            currency="",
        )

    def cancel(self, reference: str) -> PaymentResult:
        return PaymentResult(
            reference=reference,
            status=PaymentStatus.CANCELLED,
            amount=Decimal("0.00"),
            currency="",
        )

    def refund(self, reference: str, amount: Decimal) -> PaymentResult:
        raise GatewayError(f"{self.code} payments are refunded by hand, not here")

    def parse_webhook(self, payload: bytes, signature: str):
        raise InvalidWebhook(f"{self.code} has no webhooks")
