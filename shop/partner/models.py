"""Overrides oscar.apps.partner.models: partners are stock locations with a kind."""

import datetime

from django.db import models
from django.db.models import F
from django.utils import timezone
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

    def is_open_at(self, moment: datetime.datetime) -> bool:
        """Tell whether the store is open at an aware datetime (store local time)."""
        local = timezone.localtime(moment)
        return any(
            period.opens <= local.time() < period.closes
            for period in self.opening_periods.all()
            if period.weekday == local.weekday()
        )


class OpeningPeriod(models.Model):
    """A pilot store's opening hours on one weekday (several periods a day allowed)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    partner = models.ForeignKey(
        "partner.Partner", on_delete=models.CASCADE, related_name="opening_periods"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=F("opens")),
                name="openingperiod_closes_after_opens",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


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
