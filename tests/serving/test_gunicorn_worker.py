"""Connections opened together are spread over gunicorn's workers
(shop/gunicorn_worker.py), as `make bench`'s keep-alive connections are."""

import http.client
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from search.local_engine import free_port

ROOT = Path(__file__).resolve().parents[2]
WORKERS, THREADS = 4, 2


@pytest.fixture
def server():
    """Gunicorn with the shop's worker class, serving pid_app on a free port."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--worker-class",
            "shop.gunicorn_worker.BalancedThreadWorker",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--bind",
            f"127.0.0.1:{port}",
            "tests.serving.pid_app:application",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        pids = _worker_pids(process.pid)
        yield port, pids
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def _worker_pids(master: int) -> set[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children")
        pids = {int(pid) for pid in children.read_text().split()}
        if len(pids) == WORKERS:
            return pids
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not start its workers")


def test_keep_alive_connections_opened_together_reach_every_worker(server):
    """Eight connections opened at once, then used together: each worker
    serves two of them (no worker holds them all, which left the others idle)."""
    port, workers = server
    deadline = time.monotonic() + 30
    while True:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/")
            probe.getresponse().read()
            probe.close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    # Every worker waiting again, as before a benchmark starts.
    time.sleep(0.5)
    connections = [
        http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(WORKERS * THREADS)
    ]
    for connection in connections:
        connection.connect()

    def served_by(connection) -> list[int]:
        pids = []
        for _ in range(3):
            connection.request("GET", "/")
            pids.append(int(connection.getresponse().read()))
        return pids

    with ThreadPoolExecutor(len(connections)) as pool:
        answers = list(pool.map(served_by, connections))

    for pids in answers:
        assert len(set(pids)) == 1  # kept alive, on the worker that took it
    per_worker = [sum(p[0] == pid for p in answers) for pid in workers]
    assert sorted(per_worker) == [THREADS] * WORKERS
