"""Gunicorn settings for production-like serving (`make bench`, deployments).

Everything can be overridden from the environment (GUNICORN_*), see gunicorn docs.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Threaded workers keep client connections alive between requests; the sync
# worker would reconnect for each one. Ours spreads new connections over the
# workers with a free thread (shop/gunicorn_worker.py).
worker_class = os.environ.get(
    "GUNICORN_WORKER_CLASS", "shop.gunicorn_worker.BalancedThreadWorker"
)
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5
timeout = 30
graceful_timeout = 10
# Load Django once in the master so workers fork warm (no database connection
# is opened before the fork: Django connects lazily).
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def pre_fork(server, worker):
    # Django, Oscar and Wagtail leave ~300,000 long-lived objects behind after
    # loading; a full garbage collection walking them all stalled a request for
    # 115–140 ms now and then. Frozen objects are skipped by the collector (and
    # their pages stay shared between workers).
    gc.freeze()


def worker_exit(server, worker):
    """Write the product counters counted so far (the only copy with a local cache)."""
    from shop.analytics.services import product_counters_flush

    product_counters_flush()
