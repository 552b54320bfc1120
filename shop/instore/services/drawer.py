"""Cash drawers: a session from its opening float to the count at closing, and
every cash movement in between (sales, refunds, cash in and out)."""

from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.templatetags.currency_filters import currency

from shop.instore.models import CashMovement, DrawerSession

CENT = Decimal("0.01")


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


def _session_lock(session: DrawerSession) -> DrawerSession:
    # Closing and recording both lock the session row: a movement recorded
    # while the drawer is being closed waits, then finds it closed, so the
    # expected cash kept at closing counts every movement of the session.
    return DrawerSession.objects.select_for_update().get(pk=session.pk)


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
    if amount <= 0:
        raise DrawerRefused(_("Enter an amount above zero."))
    with transaction.atomic():
        locked = _session_lock(session)
        if locked.status != DrawerSession.Status.OPEN:
            raise DrawerRefused(_("This drawer session is closed."))
        return CashMovement.objects.create(
            session=locked,
            kind=kind,
            amount=amount,
            reason=reason,
            sale=sale,
            counter_return=counter_return,
            recorded_by=by,
        )


def drawer_cash_in(
    *, session: DrawerSession, amount: Decimal, reason: str, by
) -> CashMovement:
    """Put cash into the drawer (change from the bank, a float top-up), saying why."""
    reason = reason.strip()
    if not reason:
        raise DrawerRefused(_("Say why cash goes into the drawer."))
    return cash_movement_record(
        session=session,
        kind=CashMovement.Kind.PAID_IN,
        amount=amount,
        reason=reason,
        by=by,
    )


def drawer_cash_out(
    *, session: DrawerSession, amount: Decimal, reason: str, by
) -> CashMovement:
    """Take cash out of the drawer (supplies, a bank deposit), saying why.

    Refused beyond the cash the drawer should hold: the drawer cannot give
    what it does not have, and a negative expected cash hides a miscount.
    """
    reason = reason.strip()
    if not reason:
        raise DrawerRefused(_("Say why cash leaves the drawer."))
    with transaction.atomic():
        locked = _session_lock(session)
        expected = drawer_cash_expected(session=locked)
        if amount > expected:
            raise DrawerRefused(
                _(
                    "The drawer should hold only %(expected)s: "
                    "%(amount)s cannot be taken out."
                )
                % {"expected": _money(expected), "amount": _money(amount)}
            )
        return cash_movement_record(
            session=locked,
            kind=CashMovement.Kind.PAID_OUT,
            amount=amount,
            reason=reason,
            by=by,
        )


def drawer_cash_expected(*, session: DrawerSession) -> Decimal:
    """The cash the drawer should hold: float, plus what came in, minus what left."""
    totals = dict(
        session.movements.values("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    return cash_expected_compute(opening_float=session.opening_float, totals=totals)


def cash_expected_compute(
    *, opening_float: Decimal, totals: dict[str, Decimal]
) -> Decimal:
    """Add a drawer's movement totals (by kind) to its float; reports use it too."""
    incoming = sum(
        (v for k, v in totals.items() if k not in CashMovement.OUTGOING),
        Decimal("0.00"),
    )
    outgoing = sum(
        (v for k, v in totals.items() if k in CashMovement.OUTGOING),
        Decimal("0.00"),
    )
    return opening_float + incoming - outgoing


def drawer_session_close(
    *, session: DrawerSession, counted_cash: Decimal, note: str = "", by
) -> DrawerSession:
    """Close the drawer with the cash counted in it; keep expected and variance.

    The variance is counted minus expected: negative when cash is missing.
    """
    if counted_cash < 0:
        raise DrawerRefused(_("The counted cash cannot be negative."))
    with transaction.atomic():
        locked = _session_lock(session)
        if locked.status != DrawerSession.Status.OPEN:
            raise DrawerRefused(
                _("This drawer session was already closed at %(time)s by %(name)s.")
                % {
                    "time": timezone.localtime(locked.closed_at).strftime("%H:%M"),
                    "name": _person(locked.closed_by),
                }
            )
        expected = drawer_cash_expected(session=locked)
        counted = counted_cash.quantize(CENT)
        locked.status = DrawerSession.Status.CLOSED
        locked.closed_by = by
        locked.closed_at = timezone.now()
        locked.expected_cash = expected
        locked.counted_cash = counted
        locked.variance = counted - expected
        locked.closing_note = note.strip()
        locked.save(
            update_fields=[
                "status",
                "closed_by",
                "closed_at",
                "expected_cash",
                "counted_cash",
                "variance",
                "closing_note",
            ]
        )
    return locked


def _money(amount: Decimal) -> str:
    return currency(amount, settings.OSCAR_DEFAULT_CURRENCY)


def _person(user) -> str:
    if user is None:
        return _("someone")
    return user.get_full_name() or user.email
