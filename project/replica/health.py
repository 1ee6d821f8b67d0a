"""An unreachable replica: noticed at connect or on a statement, then skipped for a while.

The replica's connection has a short connect_timeout (settings: DATABASE_REPLICA_*).
Before the router sends a read there it makes sure the connection is up (the health
check Django runs before a persistent connection's first use in a request, then a
connect when there is none); a failure, or a connection error on any statement
(routing.watch, an execute wrapper on the replica's connection), marks the replica down in
this process for DATABASE_REPLICA_RETRY_SECONDS: every read goes to the primary until
then, and the first read after tries the replica again. Per process, no shared state:
each process finds out for itself, at the cost of one failed connect (at most
connect_timeout) per retry period.
"""

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
_down_until = 0.0  # time.monotonic() until which the replica is not asked
_down = False  # for the log line when it answers again


def usable(watch) -> bool:
    """Whether a read may go to the replica now (connecting to it when needed); `watch`
    is installed as the connection's execute wrapper (it reports statement failures)."""
    if _down_until and time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()  # a SELECT 1 once per request, if enabled
        connection.ensure_connection()
    except DatabaseError as exc:
        mark_down(exc)
        return False
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)
    _answered()
    return True


def mark_down(exc: BaseException) -> None:
    global _down, _down_until
    seconds = settings.DATABASE_REPLICA_RETRY_SECONDS
    _down_until = time.monotonic() + seconds
    if not _down:
        _down = True
        logger.warning(
            "replica unreachable (%s): reads go to the primary, retried in %s s",
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
            seconds,
        )


def _answered() -> None:
    global _down, _down_until
    if _down:
        _down, _down_until = False, 0.0
        logger.warning("replica answers again: reads go to it")


def reset() -> None:
    """Forget a failure (tests)."""
    global _down, _down_until
    _down, _down_until = False, 0.0
