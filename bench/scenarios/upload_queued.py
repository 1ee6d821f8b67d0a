"""uploadPhoto of the ~5 MB JPEG with a broker configured, against a view that only stores it.

With CELERY_BROKER_URL set the request validates, stores the original, writes the row
and sends one task: nothing is rendered on it. The plain view (bench.baselines
.upload_store) stores the same bytes with the same storage under a fresh key. Both go
through Django's upload handling; storage is the rclone S3 server bench/run.py starts.
No worker runs here: its CPU would be counted as this process's (the queued tasks are
purged afterwards). The broker is the Redis at BENCH_REDIS_URL (default database 12).
Target: CPU ratio <= 1.1.

thumbnail_task: the make_thumbnails task's body (run in this process, from the stored
original: download, render, store, row) for the thumbnails scenario's 12 MP JPEG,
against that scenario's naive Pillow set; the same target as the set itself, <= 0.30.
"""

import contextlib
import os
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

from bench.measure import Line, at_most, interleave, median

NAME = "upload_queued"
LIMIT = 1.1
THUMBS_LIMIT = 0.30  # the thumbnail set's own target (bench/scenarios/thumbnails.py)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
QUERY = """
mutation Upload($file: Upload!) {
  uploadPhoto(input: {file: $file}) {
    ... on Photo { id status processingStatus small: thumbnail(size: SMALL) { width } }
    ... on OperationInfo { messages { code field message } }
  }
}
"""


def redis_answers() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def queued(url: str = REDIS_URL) -> Iterator[None]:
    """Tasks go to `url` while inside (this process's settings and Celery app)."""
    from django.test import override_settings

    from project.celery import app

    app.conf.broker_url = url
    app._pool = app.amqp._producer_pool = None  # the producers of the broker met first
    try:
        with override_settings(CELERY_BROKER_URL=url):
            yield
    finally:
        app.control.purge()  # the tasks no worker here will run
        app.conf.broker_url = None
        app._pool = app.amqp._producer_pool = None


def run(ctx) -> list[Line | str]:
    from django.conf import settings
    from django.test import override_settings

    from bench.scenarios import upload

    if not redis_answers():
        return [f"#   {NAME}: no Redis at {REDIS_URL} (BENCH_REDIS_URL): not measured"]
    storages = {} if settings.USE_S3 else {"STORAGES": upload._s3_storages(ctx.s3)}
    with override_settings(USE_S3=True, **storages), queued():
        return _run(ctx)


def _run(ctx) -> list[Line | str]:
    from bench.scenarios import upload
    from bench.scenarios.common import data_of

    app = ctx.app
    upload.cleanup(ctx)
    graphql, plain, size = _environs(ctx)
    try:
        made = data_of(app.call(graphql()), "uploadPhoto")["uploadPhoto"]
        if (made.get("processingStatus"), made.get("small")) != ("PENDING", None):
            raise AssertionError(f"uploadPhoto rendered on the request: {made}")
        data_of(app.call(plain()), "plain store")
        samples = interleave(
            {"graphql": lambda: app.call(graphql()).cpu, "plain": lambda: app.call(plain()).cpu},
            runs=ctx.runs(15, 3),
            warmup=ctx.runs(2, 1),
        )
        task = _task_samples(ctx)
    finally:
        upload.cleanup(ctx)
    return [
        f"#   {NAME}: {size / 2**20:.1f} MiB JPEG, tasks to {REDIS_URL} (no worker)",
        at_most(NAME, median(samples["graphql"]), median(samples["plain"]), LIMIT),
        "#   thumbnail_task: the task's body for the thumbnails scenario's 12 MP JPEG "
        "(download from S3, render, store, row), against naive Pillow",
        at_most("thumbnail_task", median(task["task"]), median(task["naive"]), THUMBS_LIMIT),
    ]


def _task_samples(ctx) -> dict[str, list[float]]:
    """CPU seconds of make_thumbnails' body, run here, and of the naive set."""
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench.scenarios import thumbnails, upload
    from media_graph.services.photos import photo_upload
    from media_graph.services.processing import photo_requeue
    from tasks import media as tasks

    data = thumbnails.make_source()
    photo = photo_upload(
        owner=upload._uploader(), file=SimpleUploadedFile("task.jpg", data, "image/jpeg")
    )

    def timed(work) -> float:
        started = time.process_time()
        work()
        return time.process_time() - started

    def task() -> float:
        photo_requeue(photo_id=photo.pk)  # PENDING again: the task does the whole set
        return timed(lambda: tasks.make_thumbnails.apply(args=[photo.pk]))

    try:
        return interleave(
            {"task": task, "naive": lambda: timed(lambda: thumbnails.naive(data))},
            runs=ctx.runs(10, 3),
            warmup=1,
        )
    finally:
        from media_graph import storage
        from media_graph.models import Photo

        made = Photo.objects.get(pk=photo.pk).thumbnails.values()
        storage.delete([photo.original.name, *(entry["name"] for entry in made)])


def _environs(ctx):
    """(graphql, plain, size): builders of a fresh upload request each (new bytes)."""
    import itertools
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench.scenarios import upload
    from users.jwt_tokens import issue_tokens

    token = issue_tokens(upload._uploader()).token
    data = upload._jpeg()
    counter = itertools.count(1)

    def fresh() -> SimpleUploadedFile:
        stamp = f"BENCHCAM-{next(counter):010d}".encode()
        return SimpleUploadedFile("photo.jpg", data.replace(upload.MARKER, stamp), "image/jpeg")

    def graphql() -> dict:
        operations = json.dumps({"query": QUERY, "variables": {"file": None}})
        form = {"operations": operations, "map": json.dumps({"0": ["variables.file"]})}
        return ctx.app.environ("POST", "/graphql/", token=token, data={**form, "0": fresh()})

    def plain() -> dict:
        return ctx.app.environ("POST", "/bench/upload-store/", token=token, data={"file": fresh()})

    return graphql, plain, len(data)
