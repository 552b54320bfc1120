import datetime
import socket

import pytest
from django.db import connection

from tests.factories import OfficeStaffFactory


def closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.django_db
def test_healthz_reports_database_and_search_engine_up(client):
    """With both services answering, /healthz says ok for each."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = response.json()
    assert report["status"] == "ok"
    assert report["database"]["status"] == "ok"
    assert report["search"]["status"] == "ok"
    assert report["search"]["version"]


@pytest.mark.django_db
def test_healthz_degrades_instead_of_failing_when_search_is_down(client, settings):
    """An unreachable search engine is reported as degraded with a 200, never a 500."""
    settings.ELASTICSEARCH_URL = closed_port_url()

    response = client.get("/healthz")

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert report["database"]["status"] == "ok"
    assert report["search"]["status"] == "degraded"
    assert report["search"]["error"]


def test_healthz_answers_only_get(client):
    """Health probes read; a POST is refused with 405."""
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": "203.0.113.7"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
    ],
    ids=["from-outside", "through-a-local-proxy"],
)
def test_healthz_tells_a_stranger_only_the_status(client, headers):
    """No database vendor or engine version for anyone outside."""
    response = client.get("/healthz", **headers)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_gives_staff_the_details_from_anywhere(client):
    """Office staff read what failed and which versions run, even remotely."""
    client.force_login(OfficeStaffFactory())

    report = client.get("/healthz", REMOTE_ADDR="203.0.113.7").json()

    assert report["database"]["vendor"] == connection.vendor
    assert report["search"]["version"]


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def email_task_enqueued(minutes_ago: int) -> None:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from shop.sales.tasks import order_confirmation_send_task

    order_confirmation_send_task.enqueue(order_id=1, language="fr")
    DBTaskResult.objects.update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )


@pytest.mark.django_db
def test_healthz_counts_the_tasks_waiting_for_the_worker(client, queue):
    """A task queued a minute ago is the worker's normal pace: all is well."""
    email_task_enqueued(minutes_ago=1)

    report = client.get("/healthz").json()

    assert report["status"] == "ok"
    assert report["tasks"]["waiting"] == 1
    assert 60 <= report["tasks"]["oldest_waiting_seconds"] < 120


@pytest.mark.django_db
def test_healthz_degrades_when_tasks_wait_with_no_worker_taking_them(
    client, queue, caplog
):
    """Emails waiting ten minutes mean no worker runs: degraded, and logged."""
    email_task_enqueued(minutes_ago=10)

    response = client.get("/healthz")

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert report["tasks"]["status"] == "degraded"
    assert any("wait for a worker" in r.getMessage() for r in caplog.records)
