"""What a pilot store's counter keeps: sales in progress, cash drawers, returns.

A counter sale owns an Oscar basket of its own (no owner, never a shopper's
basket), so lines are priced by the store's strategy and placed like any
order through shop.sales.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.sales.context import Fulfilment

MONEY = {"max_digits": 12, "decimal_places": 2}


class CounterSale(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        PARKED = "parked", _("Parked")
        PLACED = "placed", _("Completed")
        ABANDONED = "abandoned", _("Abandoned")

    store = models.ForeignKey(
        "partner.Partner",
        on_delete=models.PROTECT,
        related_name="counter_sales",
        verbose_name=_("store"),
    )
    basket = models.OneToOneField(
        "basket.Basket", on_delete=models.PROTECT, related_name="counter_sale"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    # How staff recognise a parked sale ("Mme Tazi, blue bag").
    label = models.CharField(_("label"), max_length=80, blank=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counter_purchases",
        verbose_name=_("customer"),
    )
    fulfilment = models.CharField(
        _("fulfilment"),
        max_length=20,
        choices=Fulfilment.choices,
        default=Fulfilment.TAKE_AWAY,
    )
    pickup_date = models.DateField(_("pickup date"), null=True, blank=True)
    delivery_address = models.JSONField(_("delivery address"), default=dict)
    # The customer's language: their receipt is printed and emailed in it.
    language = models.CharField(_("language"), max_length=10, default="fr")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    order = models.OneToOneField(
        "order.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counter_sale",
    )
    drawer_session = models.ForeignKey(
        "instore.DrawerSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
        verbose_name=_("cash drawer session"),
    )
    receipt_number = models.CharField(_("receipt number"), max_length=32, blank=True)
    cash_tendered = models.DecimalField(
        _("cash tendered"), null=True, blank=True, **MONEY
    )
    cash_amount = models.DecimalField(_("paid in cash"), null=True, blank=True, **MONEY)
    change_given = models.DecimalField(_("change"), null=True, blank=True, **MONEY)
    card_amount = models.DecimalField(_("paid by card"), null=True, blank=True, **MONEY)
    card_reference = models.CharField(
        _("card terminal reference"), max_length=64, blank=True
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("counter sale")
        verbose_name_plural = _("counter sales")
        permissions = [
            ("use_counter", _("Can sell at a pilot store's counter")),
            ("act_for_any_store", _("Can act for any pilot store")),
            ("discount_beyond_cap", _("Can give discounts above the staff cap")),
            ("process_return", _("Can take returns at the counter")),
            ("close_drawer", _("Can close a cash drawer session")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="countersale_receipt_unique_per_store",
            )
        ]
        indexes = [models.Index(fields=["store", "status"])]

    def __str__(self):
        return f"{self.store} #{self.pk} ({self.get_status_display()})"


class SaleLineDiscount(models.Model):
    """A discount a staff member gave on one line of a counter sale, and why."""

    sale = models.ForeignKey(
        CounterSale, on_delete=models.CASCADE, related_name="discounts"
    )
    line = models.OneToOneField(
        "basket.Line", on_delete=models.CASCADE, related_name="counter_discount"
    )
    order_line = models.OneToOneField(
        "order.Line",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counter_discount",
    )
    percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("line discount")
        verbose_name_plural = _("line discounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100),
                name="salelinediscount_percent_range",
            )
        ]

    def __str__(self):
        return f"{self.percent}% ({self.reason})"


class ReceiptCounter(models.Model):
    """The last receipt number a store printed (sales and returns share it)."""

    store = models.OneToOneField(
        "partner.Partner", on_delete=models.CASCADE, related_name="receipt_counter"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.store}: {self.last_number}"


class DrawerSession(models.Model):
    """One cash drawer from its opening float to the count at closing."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    store = models.ForeignKey(
        "partner.Partner",
        on_delete=models.PROTECT,
        related_name="drawer_sessions",
        verbose_name=_("store"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opening_float = models.DecimalField(_("opening float"), **MONEY)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    expected_cash = models.DecimalField(
        _("cash expected"), null=True, blank=True, **MONEY
    )
    counted_cash = models.DecimalField(
        _("cash counted"), null=True, blank=True, **MONEY
    )
    variance = models.DecimalField(_("variance"), null=True, blank=True, **MONEY)
    closing_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("cash drawer session")
        verbose_name_plural = _("cash drawer sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["store"],
                condition=Q(status="open"),
                name="drawersession_one_open_per_store",
            )
        ]

    def __str__(self):
        return f"{self.store} {self.opened_at:%Y-%m-%d %H:%M}"


class CashMovement(models.Model):
    """Cash put into or taken out of a drawer, with its reason."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        REFUND = "refund", _("Refund")
        PAID_IN = "paid_in", _("Cash in")
        PAID_OUT = "paid_out", _("Cash out")

    # Kinds that take cash out of the drawer.
    OUTGOING = frozenset({Kind.REFUND, Kind.PAID_OUT})

    session = models.ForeignKey(
        DrawerSession, on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    sale = models.ForeignKey(
        CounterSale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_movements",
    )
    counter_return = models.ForeignKey(
        "instore.CounterReturn",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_movements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("cash movement")
        verbose_name_plural = _("cash movements")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="cashmovement_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def signed_amount(self):
        return -self.amount if self.kind in self.OUTGOING else self.amount


class CounterReturn(models.Model):
    """Goods of an earlier order brought back to a store, and the money given."""

    class RefundMethod(models.TextChoices):
        CASH = "cash", _("Cash")
        CARD_TERMINAL = "card_terminal", _("Card (terminal refund)")

    store = models.ForeignKey(
        "partner.Partner",
        on_delete=models.PROTECT,
        related_name="counter_returns",
        verbose_name=_("store"),
    )
    order = models.ForeignKey(
        "order.Order",
        on_delete=models.PROTECT,
        related_name="counter_returns",
        verbose_name=_("order"),
    )
    refund_method = models.CharField(
        _("refund method"), max_length=20, choices=RefundMethod.choices
    )
    card_reference = models.CharField(
        _("card terminal reference"), max_length=64, blank=True
    )
    amount = models.DecimalField(_("amount refunded"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=32)
    drawer_session = models.ForeignKey(
        DrawerSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
    )
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("processed by"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("counter return")
        verbose_name_plural = _("counter returns")

    def __str__(self):
        return self.receipt_number


class CounterReturnLine(models.Model):
    counter_return = models.ForeignKey(
        CounterReturn, on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        "order.Line", on_delete=models.PROTECT, related_name="counter_returns"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="counterreturnline_quantity_positive"
            )
        ]

    def __str__(self):
        return f"{self.quantity} × {self.order_line_id}"
