"""gunicorn's settings file (read from the working directory): prometheus_client's
multiprocess folder is emptied when the server starts, and a worker that exits is
marked dead in it (docs/operating.md). Nothing of the project is imported here: the
master forks its workers before any app code runs."""

import os
import shutil


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:  # the counts of a previous run are not this one's
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
