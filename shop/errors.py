"""The page shoppers get when a request failed on our side (Django's handler500).

A lost database connection (failover, restart, a connection dropped by the
server) is no bug in the shop: the next request reconnects by itself, and a
transaction cut off left nothing half-written. The shopper is asked to try
again (503 with Retry-After) instead of reading that an error occurred.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def _database_unreachable(error: BaseException | None) -> bool:
    """Tell whether the failure was the database connection, even re-raised."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """Django's 500 page, or a 503 "try again" when the database was unreachable."""
    if _database_unreachable(sys.exc_info()[1]):
        # Like the 500 page: rendered without the request, which needs the database.
        return HttpResponse(
            loader.get_template("503.html").render(),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return defaults.server_error(request, template_name)
