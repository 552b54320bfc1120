"""Gunicorn's threaded worker, taking new connections only while a thread is free.

The stock gthread worker accepts up to `worker_connections` (1,000) whatever
its threads are doing. Connections that open together (a proxy's upstream
pool, a load generator's keep-alive connections) then often all land on the
worker that woke first, and stay there: one process, one core, the other
workers idle. `make bench` measured pages at half speed that way, with one
worker doing 99.6 % of the work. Here a worker whose threads are all busy
leaves new connections to the others; the connections it keeps alive stay
its own, as before.
"""

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        self.busy = 0
        super().__init__(*args, **kwargs)

    # The base run loop accepts while `nr_conns < worker_connections`: the
    # limit drops to nothing while every thread has a request.
    @property
    def worker_connections(self):
        return self.cfg.worker_connections if self.busy < self.cfg.threads else 0

    @worker_connections.setter
    def worker_connections(self, value):
        """The base class sets it from the config, which the getter reads."""

    def enqueue_req(self, conn):
        self.busy += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.busy -= 1
        super().finish_request(conn, fs)
