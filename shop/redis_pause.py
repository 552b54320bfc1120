"""A Redis that hangs is left alone for a while, as the search engine is.

redis-py waits the socket timeout on every command to a Redis that accepts
connections but does not answer (stopped, swapping, a network partition), and
retries: a page making a dozen cache calls took half a minute, past the
gunicorn timeout. After one timeout this process stops talking to Redis for
REDIS_PAUSE_SECONDS (each call then fails at once, and django-redis reads it as
an empty cache, DJANGO_REDIS_IGNORE_EXCEPTIONS); a Redis that refuses
connections costs nothing to ask and is asked again at once.

Every failed call is counted (`failures`): django-redis ignores cache errors,
so a write that must not be lost (a version bump, shop/cache.py) tells from
this count that it may not have reached Redis.
"""

from django.conf import settings
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shop.pause import Pause

PAUSE_SECONDS = 10
paused = Pause()
# Calls of this process that failed (timed out, refused, or not made during a
# pause); only compared with an earlier reading.
failures = 0
FAILURES = (RedisTimeoutError, RedisConnectionError)


def _failed(error: Exception | None = None) -> None:
    global failures
    failures += 1
    if isinstance(error, RedisTimeoutError):
        paused.start(getattr(settings, "REDIS_PAUSE_SECONDS", PAUSE_SECONDS))


def _refuse_while_paused(connection: Connection) -> None:
    if paused.active:
        connection.disconnect()
        _failed()
        raise RedisConnectionError("Redis timed out lately; not asked for now")


class _Pausing:
    """Stops asking Redis for a while after a timeout (before redis-py's class
    in the bases)."""

    def connect(self):
        _refuse_while_paused(self)
        try:
            return super().connect()
        except FAILURES as error:
            _failed(error)
            raise

    def send_packed_command(self, command, check_health=True):
        _refuse_while_paused(self)
        try:
            return super().send_packed_command(command, check_health)
        except FAILURES as error:
            _failed(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except FAILURES as error:
            _failed(error)
            raise


class PausingConnection(_Pausing, Connection):
    """redis-py's TCP connection, stopping for a while after a timeout."""


class PausingSSLConnection(_Pausing, SSLConnection):
    """The same over TLS (rediss://)."""


class PausingUnixConnection(_Pausing, UnixDomainSocketConnection):
    """The same over a Unix socket (unix://)."""


PAUSING_CLASSES = {
    "redis": PausingConnection,
    "rediss": PausingSSLConnection,
    "unix": PausingUnixConnection,
}


def redis_cache_options(options: dict, *, location: str) -> dict:
    """The cache OPTIONS of a django-redis cache at `location`: timeouts
    (redis-py waits forever by default) and the pausing connection of the
    URL's scheme (a class given here replaces the one redis-py would pick:
    TLS must stay TLS); CACHE_URL's query may set the timeouts."""
    options = dict(options)
    options.setdefault("SOCKET_CONNECT_TIMEOUT", 0.5)
    options.setdefault("SOCKET_TIMEOUT", 1)
    pool = dict(options.get("CONNECTION_POOL_KWARGS", {}))
    scheme = location.partition("://")[0].lower()
    pool.setdefault("connection_class", PAUSING_CLASSES.get(scheme, PausingConnection))
    options["CONNECTION_POOL_KWARGS"] = pool
    return options
