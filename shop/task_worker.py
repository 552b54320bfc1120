"""How the project runs its task worker beside the web server (`make run`,
`make bench`, `make loadtest`): django-tasks-db's `db_worker`."""

# Half a second between polls of an empty queue: an order's email leaves
# within it, and an idle worker's claim (a write transaction) stays rare
# enough not to compete with shoppers for SQLite's write lock.
TASK_WORKER_COMMAND = ("manage.py", "db_worker", "--interval", "0.5")
