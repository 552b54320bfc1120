"""Health checks for /healthz: the database must answer; search and the task
queue may be degraded."""

import datetime
import ipaddress
import logging

from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# The search app provides the engine probe; resolved lazily so a broken search
# module degrades the report instead of the whole endpoint.
SEARCH_PING = "search.engine.ping"
# A task ready this long with nobody taking it: no worker runs, or too few.
TASK_LATE_AFTER = datetime.timedelta(minutes=5)


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


def tasks_status() -> dict:
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return {"status": "ok", "queue": "in the request"}
    try:
        waiting = (
            DBTaskResult.objects.ready()
            .filter(backend_name=backend.alias)
            .aggregate(count=Count("pk"), oldest=Min("enqueued_at"))
        )
    except Exception as exc:
        logger.exception("Task queue health check failed")
        return {"status": "degraded", "error": exc.__class__.__name__}
    now = timezone.now()
    waited = now - (waiting["oldest"] or now)
    late = waited > TASK_LATE_AFTER
    if late:
        logger.error("%d tasks wait for a worker, for %s", waiting["count"], waited)
    return {
        "status": "degraded" if late else "ok",
        "waiting": waiting["count"],
        "oldest_waiting_seconds": int(waited.total_seconds()),
    }


def health_report() -> dict:
    db = database_status()
    search = search_status()
    tasks = tasks_status() if db["status"] == "ok" else {"status": "unknown"}
    parts = (db, search, tasks)
    overall = "ok" if all(part["status"] == "ok" for part in parts) else "degraded"
    if db["status"] != "ok":
        overall = "down"
    return {"status": overall, "database": db, "search": search, "tasks": tasks}


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
