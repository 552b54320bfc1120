"""Add to the audit trail (shop.audit.models).

Call these inside the transaction that makes the change: the change and its
entry are saved together or not at all.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType

from shop.audit.models import Action, AuditEntry, Source


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: what an entry credits a change to."""

    user: Any = None  # a user, or None for the shop itself
    source: str = Source.SYSTEM


SYSTEM = Actor()


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email or user.get_username()


def audit_record(
    *,
    action: str,
    actor: Actor,
    obj,
    order=None,
    label: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Record that `actor` did `action` to `obj` (of `order`, if it is one's).

    `before` and `after` hold the values the action changed (JSON: money as
    Decimal strings); `label` names the object for people reading the trail
    once it is gone.
    """
    user = actor.user if actor.user is not None and actor.user.pk else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=_name(user),
        source=actor.source,
        action=action,
        order=order,
        order_number=str(order.number) if order is not None else "",
        object_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_label=label[:200],
        before=before or {},
        after=after or {},
    )


def audit_order_status(*, order, before: str, actor: Actor) -> AuditEntry | None:
    """Record an order's move from status `before` to its status now (if it moved)."""
    if order.status == before:
        return None
    return audit_record(
        action=Action.ORDER_STATUS,
        actor=actor,
        obj=order,
        order=order,
        label=str(order.number),
        before={"status": before},
        after={"status": order.status},
    )
