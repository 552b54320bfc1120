"""Cash drawers: a session from its opening float to the count at closing, and
every cash movement in between (sales, refunds, cash in and out)."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from shop.instore.models import CashMovement, DrawerSession


class DrawerRefused(Exception):
    """A drawer action that cannot be done; the message is for the staff member."""


def drawer_session_current(*, store) -> DrawerSession | None:
    """The store's open drawer session, if any."""
    return DrawerSession.objects.filter(
        store=store, status=DrawerSession.Status.OPEN
    ).first()


def drawer_session_open(*, store, opening_float: Decimal, by) -> DrawerSession:
    """Open the store's drawer with the cash counted into it."""
    if opening_float < 0:
        raise DrawerRefused(_("The opening float cannot be negative."))
    try:
        with transaction.atomic():
            return DrawerSession.objects.create(
                store=store, opening_float=opening_float, opened_by=by
            )
    except IntegrityError:
        raise DrawerRefused(
            _("This store's drawer is already open; close it first.")
        ) from None


def cash_movement_record(
    *,
    session: DrawerSession,
    kind: str,
    amount: Decimal,
    by,
    reason: str = "",
    sale=None,
    counter_return=None,
) -> CashMovement:
    """Record cash going into or out of an open drawer."""
    if session.status != DrawerSession.Status.OPEN:
        raise DrawerRefused(_("This drawer session is closed."))
    if amount <= 0:
        raise DrawerRefused(_("Enter an amount above zero."))
    return CashMovement.objects.create(
        session=session,
        kind=kind,
        amount=amount,
        reason=reason,
        sale=sale,
        counter_return=counter_return,
        recorded_by=by,
    )


def drawer_cash_expected(*, session: DrawerSession) -> Decimal:
    """The cash the drawer should hold: float, plus what came in, minus what left."""
    totals = dict(
        session.movements.values("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    incoming = sum(
        (v for k, v in totals.items() if k not in CashMovement.OUTGOING),
        Decimal("0.00"),
    )
    outgoing = sum(
        (v for k, v in totals.items() if k in CashMovement.OUTGOING),
        Decimal("0.00"),
    )
    return session.opening_float + incoming - outgoing
