"""Queue a task for the data a transaction is writing."""

from django.db import DEFAULT_DB_ALIAS, router, transaction


def enqueue_with_commit(task, *args, **kwargs) -> None:
    """Queue `task` so that it runs only on data the current transaction commits.

    When the queue is a table of the database being written (django-tasks-db),
    its row joins the transaction: the work and its task commit together or not
    at all, and an order costs one commit fewer, which is most of a write's
    latency on a busy disk. Any other backend (the tests' immediate one) gets
    the task once the transaction has committed; if queueing fails there, what
    was committed stays.
    """
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    if (
        isinstance(backend, DatabaseBackend)
        and router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS
    ):
        task.enqueue(*args, **kwargs)
        return
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=True)
