"""Broken dependencies on demand: a private Redis, a private search engine, a
port nobody answers on and a server that accepts and never answers.

Every service here is this test run's own, on a free loopback port: stopping
it touches nothing anyone else uses (never the machine's Redis on 6379).
"""

import contextlib
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field

import pytest

from search import local_engine


def dead_url() -> str:
    """A loopback URL whose port refuses connections (the service is stopped)."""
    return f"http://127.0.0.1:{local_engine.free_port()}"


@dataclass
class PrivateRedis:
    """A redis-server of the test's own, stopped and started again on one port."""

    port: int = field(default_factory=local_engine.free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class HangingServer:
    """Accepts connections and never answers, like a service that hangs."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _address = self.listener.accept()
                self.held.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()


@pytest.fixture
def hanging_server():
    server = HangingServer()
    try:
        yield server
    finally:
        server.close()
