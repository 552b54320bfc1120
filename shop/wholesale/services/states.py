"""The one place a request for quote changes status.

A table of allowed moves rather than a state-machine library: eight statuses
and a dozen moves read best as data, each move is checked and recorded (who,
when, from → to) in one locked write, and nothing else may set the status.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from shop.wholesale.models import QuoteRequest, QuoteStatus, StatusChange

S = QuoteStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.QUOTED}),
    S.QUOTED: frozenset({S.ACCEPTED, S.DECLINED, S.REVISION_REQUESTED, S.EXPIRED}),
    S.REVISION_REQUESTED: frozenset({S.QUOTED}),
    S.ACCEPTED: frozenset({S.CONVERTED}),
    S.DECLINED: frozenset(),
    S.EXPIRED: frozenset(),
    S.CONVERTED: frozenset(),
}


class TransitionRefused(Exception):
    """A status change the request's lifecycle does not allow; says why."""


def request_transition(
    *, request: QuoteRequest, to: str, by, note: str = ""
) -> QuoteRequest:
    """Move a request to another status, if its current one allows it.

    Locks the request's row (inside the caller's transaction when there is
    one), so two staff members or two clicks cannot both move it.
    """
    with transaction.atomic():
        locked = QuoteRequest.objects.select_for_update().get(pk=request.pk)
        if to not in TRANSITIONS[locked.status]:
            raise TransitionRefused(
                _("A request “%(from)s” cannot become “%(to)s”.")
                % {
                    "from": S(locked.status).label,
                    "to": S(to).label,
                }
            )
        StatusChange.objects.create(
            request=locked, from_status=locked.status, to_status=to, by=by, note=note
        )
        locked.status = to
        locked.save(update_fields=["status", "updated"])
    request.status = to
    return request
