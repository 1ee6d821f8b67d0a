"""Celery task metrics through its signals, and the worker's own /metrics.

Imported by the tasks package, which every worker loads (CELERY_IMPORTS). Runs, failures
and durations are counted in whichever process runs the task (a prefork child); with
PROMETHEUS_MULTIPROC_DIR set they reach the worker's scrape through that folder, which
the worker's main process empties when it starts (before its pool forks).
"""

import os
import shutil
import time
from pathlib import Path

from celery.signals import task_failure, task_postrun, task_prerun, worker_init
from django.conf import settings

from project import metrics

_started: dict[str, float] = {}


@task_prerun.connect
def _prerun(task_id=None, task=None, **kwargs) -> None:
    if metrics.enabled():
        _started[task_id] = time.perf_counter()
        metrics.TASK_RUNS.labels(task.name).inc()


@task_postrun.connect
def _postrun(task_id=None, task=None, **kwargs) -> None:
    began = _started.pop(task_id, None)
    if began is not None:
        metrics.TASK_DURATION.labels(task.name).observe(time.perf_counter() - began)


@task_failure.connect
def _failure(sender=None, **kwargs) -> None:
    if metrics.enabled():
        metrics.TASK_FAILURES.labels(sender.name).inc()


def clear_folder() -> None:
    """Empty PROMETHEUS_MULTIPROC_DIR: the counts of a previous run are not this one's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


@worker_init.connect
def _worker_init(**kwargs) -> None:
    clear_folder()
    if settings.METRICS_TOKEN and settings.METRICS_WORKER_PORT:
        from project.metrics_view import serve_worker

        serve_worker(settings.METRICS_WORKER_PORT)
