"""A test-only task slow enough to be killed mid-run (tests/tasks/test_queues.py).

Loaded into a real worker with `celery worker --include tests.support.slow_task`. Each run
counts itself and records its process in the broker's Redis, so a test can kill that
process and see the task run again. Idempotent as the project's tasks are: a run after
the first finishes at once.
"""

import os
import time

import redis
from celery import shared_task

from project.celery import app

NAME = "tests.slow_task"


@shared_task(name=NAME)
def slow_task(key: str, seconds: float) -> int:
    store = redis.Redis.from_url(app.conf.broker_url)
    attempt = store.incr(f"{key}:attempts")
    store.set(f"{key}:pid:{attempt}", os.getpid())
    if attempt == 1:
        time.sleep(seconds)  # long enough to be killed in
    store.set(f"{key}:done", attempt)
    return attempt
