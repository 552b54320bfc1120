"""The audit trail: who changed an order, its payment or a wholesale quote, when,
from where, with the values before and after.

Rows are only ever added. Nobody holds a permission to add, change or delete
one (only `view_auditentry` exists), no page offers it, and an entry refuses
to be saved twice or deleted. What an entry points to may go away (an order
deleted in the Django admin, a user removed): the entry keeps the order
number, the actor's name and a label of the object.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    DASHBOARD = "dashboard", _("Dashboard")
    COUNTER = "counter", _("Store counter")
    # Told by another system's API: a Stripe webhook.
    API = "api", _("API")
    # The shop on its own (a card captured after checkout).
    SYSTEM = "system", _("System")


class Action(models.TextChoices):
    ORDER_STATUS = "order_status", _("Order status changed")
    LINE_STATUS = "line_status", _("Line status changed")
    PAYMENT_CAPTURED = "payment_captured", _("Card payment captured")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
    PAYMENT_REFUNDED = "payment_refunded", _("Money refunded")
    PAYMENT_CANCELLED = "payment_cancelled", _("Card authorisation cancelled")
    PAYMENT_EVENT = "payment_event", _("Payment event created")
    SHIPPING_EVENT = "shipping_event", _("Shipping event created")
    NOTE_ADDED = "note_added", _("Note added")
    NOTE_EDITED = "note_edited", _("Note edited")
    NOTE_DELETED = "note_deleted", _("Note deleted")
    SHIPPING_ADDRESS = "shipping_address", _("Delivery address changed")
    COUNTER_RETURN = "counter_return", _("Return at the counter")
    QUOTE_SENT = "quote_sent", _("Quote sent")
    CONFIRMATION_RESENT = "confirmation_resent", _("Confirmation email sent again")


class AuditEntry(models.Model):
    created = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who (as recorded)"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    order = models.ForeignKey(
        "order.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("order"),
    )
    order_number = models.CharField(_("order number"), max_length=128, blank=True)
    object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(
        _("before"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    after = models.JSONField(
        _("after"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created", "-pk"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["order", "created"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An audit entry is never changed once recorded.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("An audit entry is never deleted.")
