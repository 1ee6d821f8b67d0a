"""/readyz: 200 with what it checked (database, storage, broker when configured), or
503 naming what failed.

The checks run at once, each in a thread of a small pool, and the answer waits at most
READYZ_CHECK_SECONDS (under 3 s, whatever the setting): a check still running then, as
a hung storage's would be, counts as failed. Its thread finishes on its own deadline
(the S3 client's timeouts, the broker's socket timeout) and is reused.
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import redis
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# The whole answer stays under this, whatever READYZ_CHECK_SECONDS says.
MAX_SECONDS = 2.5

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    # Made on first use, after gunicorn has forked: threads do not survive a fork.
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")
        return _pool


def _database() -> None:
    # The pool thread's own connection, closed after each check: a pool thread is no
    # request, so nothing else would ever close it.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def _storage() -> None:
    # A HEAD of a key that need not exist: proves the bucket answers and the keys work.
    default_storage.exists("healthz/probe")


def _broker(deadline: float) -> None:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=deadline, socket_connect_timeout=deadline
    )
    try:
        client.ping()
    finally:
        client.close()


def deadline() -> float:
    return min(settings.READYZ_CHECK_SECONDS, MAX_SECONDS)


def checks() -> dict[str, str]:
    """name -> "ok" or "unavailable", every configured check run within the deadline."""
    seconds = deadline()
    pool = _executor()
    futures = {"database": pool.submit(_database), "storage": pool.submit(_storage)}
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        futures["broker"] = pool.submit(_broker, seconds)
    ends = time.monotonic() + seconds
    results = {}
    for name, future in futures.items():
        try:
            future.result(timeout=max(0.0, ends - time.monotonic()))
        except FutureTimeout:
            logger.warning("readyz: %s did not answer within %.1f s", name, seconds)
            results[name] = "unavailable"
        except Exception as exc:  # any failure at all means "not ready"
            logger.warning("readyz: %s unavailable: %s", name, exc)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    return results


@require_GET
def readyz(request):
    results = checks()
    failed = sorted(name for name, value in results.items() if value != "ok")
    body = {"status": "ok" if not failed else "unavailable", **results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
