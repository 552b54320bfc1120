"""Start and stop the local search engine (noida-db) on a free loopback port.

Used by `make run` and the test suite. Production points ELASTICSEARCH_URL at a
real cluster and never comes here.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


class EngineStartError(RuntimeError):
    pass


@dataclass
class LocalEngine:
    url: str
    pid: int
    data_dir: Path
    log_path: Path

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the engine's whole process group (the wrapper spawns the binary)."""
        try:
            os.killpg(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.pid, 0)
            except ProcessLookupError:
                return
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, os.WNOHANG)
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return "version" in json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return False


def _executable() -> str:
    candidate = Path(sys.executable).with_name("noida-db")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("noida-db")
    if not found:
        raise EngineStartError("noida-db is not installed: run `make install`.")
    return found


def start(data_dir: Path, port: int | None = None, wait: float = 30.0) -> LocalEngine:
    """Start noida-db with only its Elasticsearch API and wait until it answers."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = data_dir / "engine.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603
            [
                _executable(),
                "start",
                "--only",
                "elasticsearch",
                "--host",
                "127.0.0.1",
                "--elasticsearch-port",
                str(port),
                "--data-dir",
                str(data_dir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    engine = LocalEngine(url=url, pid=process.pid, data_dir=data_dir, log_path=log_path)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EngineStartError(
                f"noida-db exited with {process.returncode}; see {log_path}"
            )
        if answers(url):
            return engine
        time.sleep(0.1)
    engine.stop()
    raise EngineStartError(
        f"noida-db did not answer on {url} within {wait}s; see {log_path}"
    )
