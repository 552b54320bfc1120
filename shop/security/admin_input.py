"""Wagtail's and Django's admins answer 400 to input their own pages never send.

A few of their views read posted or query values unchecked and raise on
hand-made ones (the URL walk, tests/security/test_url_walk.py, found them):
only a signed-in editor or superuser can reach them, and only by posting what
no page of theirs posts. Each known case is listed with its route, its
exception and why; it answers 400 Bad Request (logged with its traceback) in
place of a 500. Any other exception, there or anywhere, is still a 500.
"""

import json
import logging
import re
from dataclasses import dataclass

from django.db import OperationalError
from django.urls import NoReverseMatch
from django.utils.datastructures import MultiValueDictKeyError
from django.views.defaults import bad_request

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownFault:
    route: str  # a regex over the route, "cms/pages/<int:page_id>/edit/"
    error: type[Exception] | tuple[type[Exception], ...]
    why: str


KNOWN_FAULTS = (
    KnownFault(
        r"^cms/choose-external-link/$",
        AttributeError,
        "Wagtail's link chooser reads its form's URL unchecked",
    ),
    KnownFault(
        r"^cms/pages/<int:page_id>/edit/$",
        json.JSONDecodeError,
        "Wagtail's page editor parses the posted comments as JSON unchecked",
    ),
    KnownFault(
        r"^cms/pages/",
        MultiValueDictKeyError,
        "Wagtail's page forms read StreamField counts and the copy's parent unchecked",
    ),
    KnownFault(
        r"^cms/(pages|choose-page)/",
        OperationalError,
        "Wagtail's SQLite search passes quotes to FTS5 (SQLite only)",
    ),
    KnownFault(
        r"^cms/pages/",
        ValueError,
        "Wagtail's page chooser widget looks up the posted page as an id when "
        "it shows the form again (moving a page, a page's parent)",
    ),
    KnownFault(
        r"^cms/(images|documents)/chooser/",
        ValueError,
        "Wagtail's image and document choosers look up any text as an id",
    ),
    KnownFault(
        r"^cms/",
        NoReverseMatch,
        "Wagtail redirects to a posted `next` that is a bare word, taken for a "
        "URL name",
    ),
    KnownFault(
        r"^cms/redirects/import/process/$",
        (KeyError, AttributeError),
        "Wagtail's redirect import unsigns its hidden fields even when one is "
        "missing (KeyError), and reads a message bad signatures do not have "
        "(AttributeError); which comes first varies with the process",
    ),
    KnownFault(
        r"^django-admin/.+/(add|<path:object_id>/change)/$",
        ValueError,
        "Django admin's autocomplete widget looks up posted text as ids",
    ),
)


def known_fault(route: str, exception: BaseException) -> KnownFault | None:
    """The listed fault this exception on this route is, if it is one."""
    return next(
        (
            fault
            for fault in KNOWN_FAULTS
            if isinstance(exception, fault.error) and re.search(fault.route, route)
        ),
        None,
    )


class AdminBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = getattr(request, "resolver_match", None)
        fault = known_fault(match.route, exception) if match is not None else None
        if fault is None:
            return None
        logger.warning(
            "Bad input to %s answered 400 (%s)", match.route, fault.why, exc_info=True
        )
        return bad_request(request, exception)
