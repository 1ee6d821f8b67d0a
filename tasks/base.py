"""Retries, declared once: what every task that retries shares.

A task lists what is worth another try in `autoretry_for` (Celery's own option); the
rest here is read from settings at each retry, so operators and tests can change it:
`max_retries` (TASK_MAX_RETRIES unless a task names another setting) and the countdown,
exponential from TASK_RETRY_BACKOFF up to TASK_RETRY_BACKOFF_MAX with full jitter, so
workers that met the same outage do not all come back at once. (Celery's
`retry_backoff` is read once, when the task is made, and rounds its factor up to whole
seconds; these settings are floats an operator sets per deployment.)
"""

import random

from celery import Task
from django.conf import settings


def retry_countdown(retries: int) -> float:
    ceiling = min(settings.TASK_RETRY_BACKOFF * 2**retries, settings.TASK_RETRY_BACKOFF_MAX)
    return random.uniform(0, ceiling)


class RetryingTask(Task):
    """Base of the tasks that retry (`@shared_task(base=RetryingTask, autoretry_for=...)`)."""

    abstract = True
    retry_jitter = True
    # The setting that bounds this task's retries.
    max_retries_setting = "TASK_MAX_RETRIES"

    @property
    def max_retries(self) -> int:
        return getattr(settings, self.max_retries_setting)

    @max_retries.setter
    def max_retries(self, value) -> None:
        # Celery assigns the class default when it builds the task; the setting rules.
        pass

    def retry(self, *args, countdown=None, **kwargs):
        if countdown is None:
            countdown = retry_countdown(self.request.retries)
        return super().retry(*args, countdown=countdown, **kwargs)
