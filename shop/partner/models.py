"""Overrides oscar.apps.partner.models: partners are stock locations with a kind."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner, AbstractStockRecord


class InsufficientStock(Exception):
    """Raised when an allocation would take free stock below zero."""

    def __init__(self, stockrecord, quantity):
        self.stockrecord = stockrecord
        self.quantity = quantity
        super().__init__(
            f"Cannot allocate {quantity} of {stockrecord.partner_sku}: "
            f"only {stockrecord.net_stock_level} left"
        )


class Partner(AbstractPartner):
    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("Warehouse")
        COLD_WAREHOUSE = "cold_warehouse", _("Warehouse with cold storage")
        PILOT_STORE = "pilot_store", _("Pilot store")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.WAREHOUSE
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    street_address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    @property
    def has_cold_storage(self) -> bool:
        return self.kind == self.Kind.COLD_WAREHOUSE

    @property
    def is_store(self) -> bool:
        return self.kind == self.Kind.PILOT_STORE


class StockRecord(AbstractStockRecord):
    def allocate(self, quantity):
        """Allocate stock only if enough is free; raise InsufficientStock otherwise.

        The condition lives in the UPDATE itself so concurrent buyers cannot both
        see the last unit as free (no read-then-write race).
        """
        if not self.can_track_allocations:
            return
        self.pre_save_signal()
        updated = (
            type(self)
            .objects.filter(
                pk=self.pk,
                num_in_stock__gte=models.functions.Coalesce(F("num_allocated"), 0)
                + quantity,
            )
            .update(
                num_allocated=models.functions.Coalesce(F("num_allocated"), 0)
                + quantity
            )
        )
        self.refresh_from_db(fields=["num_allocated", "num_in_stock"])
        if not updated:
            raise InsufficientStock(self, quantity)
        self.post_save_signal()

    allocate.alters_data = True


from oscar.apps.partner.models import *  # noqa: E402, F403
