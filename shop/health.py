"""Health checks for /healthz: the database must answer; search may be degraded."""

import ipaddress
import logging

from django.db import connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# The search app provides the engine probe; resolved lazily so a broken search
# module degrades the report instead of the whole endpoint.
SEARCH_PING = "search.engine.ping"


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.exception("Database health check failed")
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def search_status() -> dict:
    try:
        ping = import_string(SEARCH_PING)
        info = ping()
    except Exception as exc:
        logger.warning("Search engine health check failed: %s", exc)
        return {"status": "degraded", "error": exc.__class__.__name__}
    return {"status": "ok", **info}


def health_report() -> dict:
    db = database_status()
    search = search_status()
    overall = "ok" if db["status"] == "ok" and search["status"] == "ok" else "degraded"
    if db["status"] != "ok":
        overall = "down"
    return {"status": overall, "database": db, "search": search}


def may_see_details(request) -> bool:
    """Tell whether a /healthz caller may read versions and error names.

    Staff may, and so may a probe on this machine; a request forwarded by a
    proxy on this machine comes from whoever the proxy serves, so it may not.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_staff:
        return True
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False
