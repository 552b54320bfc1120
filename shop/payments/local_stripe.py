"""Run localstripe (a fake Stripe API with a fake Stripe.js) on loopback only.

localstripe's own entry point listens on every interface and reloads a shared
pickle from /tmp; we serve its aiohttp app on 127.0.0.1 from a clean store.
Used by `make run` and the tests; production talks to the real Stripe API.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from search.local_engine import free_port


@dataclass
class LocalStripe:
    url: str
    pid: int

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)


def start(log_path: Path, port: int | None = None, wait: float = 20.0) -> LocalStripe:
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "shop.payments.local_stripe", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=Path(__file__).resolve().parents[2],
        )
    server = LocalStripe(url=url, pid=process.pid)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited early; see {log_path}")
        try:
            urllib.request.urlopen(f"{url}/js.stripe.com/v3/", timeout=1).close()  # noqa: S310
            return server
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"localstripe did not answer on {url}; see {log_path}")


def webhook_register(
    *, server_url: str, target_url: str, secret: str, events: list[str]
) -> None:
    """Ask localstripe to sign and send these events to our webhook endpoint."""
    fields = [("url", target_url), ("secret", secret)]
    fields += [("events[]", event) for event in events]
    request = urllib.request.Request(  # noqa: S310 (loopback URL we started)
        f"{server_url}/_config/webhooks/terroir",
        data=urllib.parse.urlencode(fields).encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=5).close()  # noqa: S310


def main() -> None:
    from aiohttp import web
    from localstripe.server import app

    @web.middleware
    async def created_filter_dropped(request, handler):
        # localstripe refuses the `created` filter of list calls (the
        # consistency check sends it, and filters the answer itself).
        if request.method == "GET" and any(
            k.startswith("created") for k in request.query
        ):
            query = {
                k: v for k, v in request.query.items() if not k.startswith("created")
            }
            request = request.clone(rel_url=request.rel_url.with_query(query))
        return await handler(request)

    app.middlewares.append(created_filter_dropped)
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    web.run_app(app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
