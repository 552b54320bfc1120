"""Read the audit trail, as people read it: labels in their language."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.audit.models import AuditEntry
from shop.checkout.statuses import status_label
from shop.instore.models import CounterReturn

ShippingAddress = get_model("order", "ShippingAddress")

# What the values of order entries are called (shop.audit.services and its
# callers write these keys); the delivery address keeps its field names.
VALUE_LABELS = {
    "status": _("Status"),
    "paid": _("Paid"),
    "refunded": _("Refunded"),
    "amount": _("Amount"),
    "reference": _("Reference"),
    "message": _("Note"),
    "event": _("Event"),
    "lines": _("Lines"),
    "receipt": _("Receipt"),
    "refund_method": _("Given back by"),
}
# Codes stored as values, shown by their label.
VALUE_TEXTS = {
    "status": status_label,
    "refund_method": lambda code: str(
        dict(CounterReturn.RefundMethod.choices).get(code, code)
    ),
}
EMPTY = "—"


@dataclass(frozen=True)
class AuditChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    created: datetime.datetime
    actor: str
    source: str
    action: str
    object: str
    changes: tuple[AuditChange, ...]


def audit_trail_visible(*, user) -> bool:
    """Office staff read the trail; store staff reaching an order page do not."""
    return user.is_staff and user.has_perm("audit.view_auditentry")


def _rank(key: str) -> tuple:
    # A stable order, whatever order the database keeps JSON keys in.
    if key in VALUE_LABELS:
        return (0, list(VALUE_LABELS).index(key))
    try:
        return (
            1,
            ShippingAddress._meta.fields.index(ShippingAddress._meta.get_field(key)),
        )
    except FieldDoesNotExist:
        return (2, key)


def _value_label(key: str) -> str:
    if key in VALUE_LABELS:
        return str(VALUE_LABELS[key])
    try:
        return str(ShippingAddress._meta.get_field(key).verbose_name).capitalize()
    except FieldDoesNotExist:
        return key


def _shown(key: str, value) -> str:
    if value is None or value == "":
        return EMPTY
    if key in VALUE_TEXTS:
        return VALUE_TEXTS[key](value)
    if isinstance(value, dict):
        return ", ".join(f"{name}: {item}" for name, item in value.items())
    return str(value)


def _changes(entry: AuditEntry) -> tuple[AuditChange, ...]:
    keys = sorted({*entry.before, *entry.after}, key=_rank)
    return tuple(
        AuditChange(
            label=_value_label(key),
            before=_shown(key, entry.before.get(key)),
            after=_shown(key, entry.after.get(key)),
        )
        for key in keys
    )


def audit_entries_for_order(*, order) -> list[AuditRow]:
    """Everything recorded on an order, newest first, in one query."""
    return [
        AuditRow(
            created=entry.created,
            actor=entry.actor_name or EMPTY,
            source=entry.get_source_display(),
            action=entry.get_action_display(),
            object=entry.object_label,
            changes=_changes(entry),
        )
        for entry in AuditEntry.objects.filter(order=order)
    ]
