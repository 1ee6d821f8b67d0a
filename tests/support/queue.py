"""A real broker and a real worker for the task tests: Redis, and Celery's testing worker.

The broker is the Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379/11: a
database number of the suite's own, one more per xdist worker, flushed before each use).
Where none answers the tests that need it skip, saying so; under CI (`CI` set, as
.ci/run runs) they fail instead, because CI starts a Redis and a skip there would hide
a missing one.
"""

import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from project.celery import app


def _per_worker(url: str) -> str:
    """`url` with its database number moved up by the xdist worker's index (gw1: +1).

    Tests flush the database before use; two workers sharing one would flush each
    other's queued tasks. `make test` caps the workers at 4, so 11 becomes 11-14.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker.removeprefix("gw") or 0)
    parts = urlsplit(url)
    database = int(parts.path.lstrip("/") or 0) + index
    if database > 15:
        raise RuntimeError(f"{url} has no database {database} for xdist worker {worker}")
    return parts._replace(path=f"/{database}").geturl()


TEST_REDIS_URL = _per_worker(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11"))


def redis_url_or_skip() -> str:
    parts = urlsplit(TEST_REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5):
            return TEST_REDIS_URL
    except OSError:
        reason = f"no Redis answers at {TEST_REDIS_URL} (TEST_REDIS_URL)"
        if os.environ.get("CI"):
            pytest.fail(reason + ": .ci/run starts one", pytrace=False)
        pytest.skip(reason)


def flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


@contextmanager
def broker(settings, url: str) -> Iterator[None]:
    """Send tasks to `url` (the app's settings and Celery's own configuration)."""
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    _forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url = None
        _forget_connections()


def _forget_connections() -> None:
    # The app keeps the producer pool of the first broker it met; a new URL needs a new one.
    app._pool = None
    app.amqp._producer_pool = None


def _close_worker_connections(**kwargs) -> None:
    # The worker thread's database connection must not outlive the test (PostgreSQL
    # refuses to drop a test database that someone is still connected to).
    connections.close_all()


@contextmanager
def worker() -> Iterator[None]:
    """A Celery worker in a thread of this process (solo pool), consuming until exit."""
    # Starting a worker sets up logging (the root logger's level among it); the tests
    # after this one read their own log records, so it is put back as it was.
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", loglevel="INFO", perform_ping_check=False, shutdown_timeout=30
        ):
            yield
    finally:
        task_postrun.disconnect(_close_worker_connections)
        root.setLevel(level)
        root.handlers = handlers


def wait_for(check: Callable[[], object], *, timeout: float = 30, what: str = "") -> object:
    """Poll `check` until it answers something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f}s for {what or check}", pytrace=False)
        time.sleep(0.1)
