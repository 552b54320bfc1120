"""A process's pause on a service that timed out (the search engine, Redis).

A service that accepts connections and answers nothing costs every caller its
whole timeout; after one timeout, the process stops calling it for a while and
its callers fall back at once. One per service and process: each worker learns
on its own, from its own first timeout.
"""

import time


class Pause:
    def __init__(self):
        self.until = 0.0

    @property
    def active(self) -> bool:
        return time.monotonic() < self.until

    def start(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds
