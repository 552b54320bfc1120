"""Payment state we own: one row per checkout attempt, and Stripe events seen."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckoutPayment(models.Model):
    """The payment side of one order number, from before the order exists.

    It keeps what is needed to place the order without the shopper's session
    (a webhook can finish a card checkout whose browser never came back) and
    records the payment method of the order afterwards. The order number is
    unique here: it is the idempotency anchor for placing and for Stripe.
    """

    class Method(models.TextChoices):
        CARD = "card", _("Card")
        CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")
        PAY_AT_PICKUP = "pay_at_pickup", _("Pay at pickup")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PLACED = "placed", _("Order placed")
        FAILED = "failed", _("Payment failed")
        CANCELLED = "cancelled", _("Cancelled")
        NEEDS_ATTENTION = "needs_attention", _("Needs staff attention")

    order_number = models.CharField(_("order number"), max_length=128, unique=True)
    method = models.CharField(
        _("payment method"), max_length=32, choices=Method.choices
    )
    reference = models.CharField(
        _("gateway reference"), max_length=255, unique=True, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.PENDING
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=12)
    basket_id = models.PositiveIntegerField(_("basket"))
    submission = models.JSONField(_("checkout details"), default=dict)
    order = models.OneToOneField(
        "order.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkout_payment",
    )
    attention_reason = models.TextField(_("why staff should look"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("checkout payment")
        verbose_name_plural = _("checkout payments")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.order_number} ({self.get_method_display()})"


class StripeEvent(models.Model):
    """A webhook event already handled: the unique id makes replays no-ops."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    reference = models.CharField(max_length=255, blank=True)
    received = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self):
        return f"{self.type} {self.event_id}"
