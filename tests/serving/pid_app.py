"""A WSGI app answering with the id of the process that served the request."""

import os
import time


def application(environ, start_response):
    # Long enough for the requests sent together to overlap.
    time.sleep(0.05)
    body = str(os.getpid()).encode()
    start_response(
        "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
    )
    return [body]
