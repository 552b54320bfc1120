"""Where an order comes from: one record per order, beside Oscar's order.

A one-to-one record rather than a fork of Oscar's order app: Oscar's order
models, migrations and dashboard stay as shipped, and the channels to come
(agents, quotes) add their columns here without touching Oscar's tables.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shop.sales.context import Channel, Fulfilment


class OrderOrigin(models.Model):
    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="origin"
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    # The pilot store answering for the order: where it was sold at the
    # counter, or where the customer collects it.
    store = models.ForeignKey(
        "partner.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_origins",
        verbose_name=_("store"),
    )
    fulfilment = models.CharField(
        _("fulfilment"),
        max_length=20,
        choices=Fulfilment.choices,
        default=Fulfilment.DELIVERY,
    )
    pickup_date = models.DateField(_("pickup date"), null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders_placed_for_customers",
        verbose_name=_("placed by"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders_as_agent",
        verbose_name=_("sales agent"),
    )
    quote_reference = models.CharField(
        pgettext_lazy("commercial offer", "quote"), max_length=64, blank=True
    )
    # The language of the checkout: the customer's emails about the order are
    # written in it, a confirmation sent again from the dashboard too.
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("order origin")
        verbose_name_plural = _("order origins")
        indexes = [models.Index(fields=["channel", "store"])]

    def __str__(self):
        return f"{self.order_id}: {self.get_channel_display()}"


class CustomerPhone(models.Model):
    """A customer's phone number, by which store staff (and agents) find them.

    Oscar's user has no phone; stored in E.164 ("+212612345678") so every way
    of typing a number finds the same customer.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone"
    )
    number = models.CharField(_("phone number"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("customer phone")
        verbose_name_plural = _("customer phones")

    def __str__(self):
        return self.number
