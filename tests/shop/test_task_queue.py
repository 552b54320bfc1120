"""The task queue production runs (django-tasks-db): what an order or a save
defers waits in the database and `manage.py db_worker` does it, outside the
request of the shopper or staff member who caused it."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from oscar.apps.order.models import Order

from search import services
from search.queries import ProductQuery, product_search
from tests.factories import ProductFactory
from tests.shop.checkout_journey import Shopper, page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_reference_data")]


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def worker_run(monkeypatch):
    """Do what waits in the queue, then stop, as a worker between two polls."""
    # The worker closes stale connections between tasks; here the connection
    # holds the test's transaction, with the queue's rows in it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0
        )

    return run


def order_placed(product, django_capture_on_commit_callbacks):
    shopper = Shopper(Client(), language="fr")
    shopper.up_to_payment([(product, 1)], shipping="standard")
    shopper.pay_by("cash_on_delivery")
    with django_capture_on_commit_callbacks(execute=True):
        page = shopper.place()
    return page, Order.objects.get()


def email_task():
    # Saving the test's products queued their search sync too.
    return DBTaskResult.objects.get(task_path__endswith="order_confirmation_send_task")


def test_an_orders_email_is_sent_by_the_worker_not_while_the_shopper_waits(
    queue, worker_run, argan_oil, django_capture_on_commit_callbacks
):
    page, order = order_placed(argan_oil, django_capture_on_commit_callbacks)

    assert order.number in page_text(page)
    assert mail.outbox == []
    assert email_task().status == "READY"

    worker_run()

    (email,) = mail.outbox
    assert order.number in email.body
    assert "Votre commande contient :" in email.body
    assert email_task().status == "SUCCESSFUL"


def test_a_mail_server_down_fails_the_task_and_leaves_a_note_on_the_order(
    queue, worker_run, argan_oil, mail_server_down, django_capture_on_commit_callbacks
):
    _, order = order_placed(argan_oil, django_capture_on_commit_callbacks)

    worker_run()

    failed = email_task()
    assert failed.status == "FAILED"
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    assert "n'a pas pu être envoyé" in order.notes.get().message
    assert Order.objects.get().status == order.status


def test_a_renamed_product_is_found_under_its_new_name_once_the_worker_ran(
    queue, worker_run, django_capture_on_commit_callbacks
):
    services.index_rebuild()
    product = ProductFactory(title="Miel de caroube")
    services.products_sync(product_ids=[product.pk])

    product.title = "Miel de jujubier du Haouz"
    with django_capture_on_commit_callbacks(execute=True):
        product.save()

    def found(text):
        query = ProductQuery(text=text, with_facets=False)
        return [hit.title for hit in product_search(query=query).hits]

    assert found("jujubier") == []
    worker_run()
    assert found("jujubier") == ["Miel de jujubier du Haouz"]
    assert found("caroube") == []


def test_office_staff_read_a_failed_email_task_in_the_admin_and_store_staff_cannot(
    queue,
    worker_run,
    argan_oil,
    mail_server_down,
    office,
    staff_a,
    django_capture_on_commit_callbacks,
):
    order_placed(argan_oil, django_capture_on_commit_callbacks)
    worker_run()
    failed = email_task()
    listing = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    detail = reverse(
        "admin:django_tasks_database_dbtaskresult_change", args=[failed.pk]
    )

    reader = Client()
    reader.force_login(office)
    page = page_text(reader.get(listing + "?status__exact=FAILED"))
    assert "order_confirmation_send_task" in page
    assert "ConnectionRefusedError" in page_text(reader.get(detail))

    counter = Client()
    counter.force_login(staff_a)
    assert counter.get(detail).status_code in (302, 403)
    assert counter.get(listing).status_code in (302, 403)


def test_an_orders_email_is_queued_with_the_order_not_after_its_commit(
    queue, argan_oil
):
    """The email's row is written in the order's own transaction: no crash
    between the order's commit and a later queueing can lose it."""
    shopper = Shopper(Client(), language="fr")
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard")
    shopper.pay_by("cash_on_delivery")

    # The test's transaction never commits: nothing queued "on commit" runs.
    shopper.place()

    assert email_task().status == "READY"
    assert email_task().args_kwargs["kwargs"]["order_id"] == Order.objects.get().pk


@pytest.mark.django_db(transaction=True)
def test_a_cash_on_delivery_order_commits_once_with_its_payment_and_email(
    queue, shipping_reference_data, argan_oil
):
    """Each commit waits for the disk: the payment record, the order and its
    email share one, and the session the other."""
    shopper = Shopper(Client(), language="fr")
    shopper.up_to_payment([(argan_oil, 1)], shipping="standard")
    shopper.pay_by("cash_on_delivery")

    with CaptureQueriesContext(connection) as queries:
        placed = shopper.place(follow=False)

    commits = [q["sql"] for q in queries if q["sql"].upper() == "COMMIT"]
    assert placed.status_code == 302
    assert Order.objects.count() == 1
    assert email_task().status == "READY"
    assert len(commits) == 2
