"""Overrides oscar.apps.checkout.utils: the session remembers the payment method."""

from oscar.apps.checkout import utils


class CheckoutSessionData(utils.CheckoutSessionData):
    def pay_by(self, method: str) -> None:
        self._set("payment", "method", method)

    def payment_method(self) -> str | None:
        return self._get("payment", "method")
