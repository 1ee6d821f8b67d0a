"""The Celery app, and the one way the code hands work to it: after commit.

Configured from Django's settings (the CELERY_* names), which come from the
environment. `enqueue_after_commit` sends a task once the transaction commits (never
a task for a row that was rolled back); without a broker it runs the work inline
instead, so `make run` needs nothing else running.
"""

import logging
import os
from collections.abc import Callable

from celery import Celery
from django.conf import settings
from django.db import transaction

from project import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

logger = logging.getLogger(__name__)

app = Celery("project")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each worker process installs tracing when an OTLP endpoint is set (project/tracing.py).
tracing.connect_worker_signals()


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def enqueue_after_commit(task: str, args: list, *, inline: Callable[[], object]) -> None:
    """After the commit: send the task named `task` with `args` to the broker, or call
    `inline()` (the service the task would call).

    By name, so services never import the tasks package (tasks -> services, one way).
    A broker that is down does not fail the write that already committed: the send is
    logged and given up, and the repair command finds the work that was left undone.
    """

    def send() -> None:
        if not broker_configured():
            inline()
            return
        try:
            app.send_task(task, args=args)
        except Exception as exc:  # kombu wraps every transport error; none may escape
            logger.error(
                "could not queue %s%s: %s; `manage.py make_thumbnails --fix` catches up",
                task,
                tuple(args),
                exc,
            )

    transaction.on_commit(send)
