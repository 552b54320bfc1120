"""Payment state we own: one row per checkout attempt, and Stripe events seen."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shop.sales.context import (
    MARKETS,
    MOROCCO,
    Channel,
    Delivery,
    OrderIntent,
    SalesContext,
)


class CheckoutPayment(models.Model):
    """The payment side of one order number, from before the order exists.

    It keeps the order intent, so the order can be placed without the
    shopper's session (a webhook can finish a card checkout whose browser
    never came back), and records the payment method of the order afterwards.
    The order number is unique here: it is the idempotency anchor for placing
    (a second "place order" finds the first) and for Stripe.
    """

    class Method(models.TextChoices):
        CARD = "card", _("Card")
        CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")
        PAY_AT_PICKUP = "pay_at_pickup", _("Pay at pickup")
        CASH = "cash", _("Cash")
        CARD_TERMINAL = "card_terminal", _("Card on the store's terminal")
        SPLIT = "split", _("Cash and card")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer in advance")
        TERMS = "terms", _("Bank transfer on terms")

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
    # The order intent (shop.sales.context.OrderIntent), column by column.
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    market = models.CharField(_("market"), max_length=8, default=MOROCCO.code)
    store = models.ForeignKey(
        "partner.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("selling store"),
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    guest_email = models.EmailField(_("guest email"), blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placed by"),
    )
    language = models.CharField(_("language"), max_length=10, default="fr")
    shipping_method = models.CharField(_("delivery method"), max_length=64, blank=True)
    delivery_address = models.JSONField(_("delivery address"), default=dict)
    collect_store = models.ForeignKey(
        "partner.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collection store"),
    )
    pickup_date = models.DateField(_("pickup date"), null=True, blank=True)
    quote_reference = models.CharField(
        pgettext_lazy("commercial offer", "quote"), max_length=64, blank=True
    )
    # (product id, quantity, stock record id) per line: placement refuses a
    # basket that changed after the amount was agreed.
    basket_lines = models.JSONField(_("basket lines"), default=list)
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

    def intent_store(self, intent: OrderIntent) -> None:
        """Copy an order intent into this record's columns (not saved)."""
        self.channel = intent.context.channel
        self.market = intent.context.market.code
        self.store = intent.context.store
        self.customer = intent.customer
        self.guest_email = intent.guest_email
        self.placed_by = intent.placed_by
        self.language = intent.language
        self.method = intent.payment_method
        self.shipping_method = intent.delivery.method_code
        self.delivery_address = dict(intent.delivery.address)
        self.collect_store = intent.delivery.store
        self.pickup_date = intent.delivery.pickup_date
        self.quote_reference = intent.quote_reference

    @property
    def intent(self) -> OrderIntent:
        """The order intent recorded here."""
        return OrderIntent(
            context=SalesContext(
                channel=self.channel, market=MARKETS[self.market], store=self.store
            ),
            customer=self.customer,
            guest_email=self.guest_email,
            placed_by=self.placed_by,
            language=self.language,
            payment_method=self.method,
            quote_reference=self.quote_reference,
            delivery=Delivery(
                method_code=self.shipping_method,
                address=dict(self.delivery_address),
                store=self.collect_store,
                pickup_date=self.pickup_date,
            ),
        )


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
