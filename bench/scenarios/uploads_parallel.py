"""20 uploads from 4 client threads against gunicorn (1 worker, 4 threads): queued vs inline.

Queued: gunicorn with CELERY_BROKER_URL set, plus one Celery worker process (one pool
process); the wall time runs until all 20 photos are READY. Inline: the same gunicorn
without a broker, where each upload answers once its set is made; the wall time runs
until the last answer. Both print requests per second (20 / time until the last
answer). The machine's cores are shared by the clients, gunicorn and the worker, as on
a small host. Storage is the rclone S3 server bench/run.py starts. Informational.
"""

import contextlib
import http.client
import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from bench.measure import Line
from bench.scenarios.http import Gunicorn
from bench.scenarios.upload_queued import REDIS_URL, redis_answers

NAME = "uploads_parallel"
UPLOADS, CLIENTS = 20, 4
BASE_DIR = Path(__file__).resolve().parents[2]
QUERY = (
    "mutation ($file: Upload!) { uploadPhoto(input: {file: $file}) { "
    "... on Photo { id processingStatus } ... on OperationInfo { messages { code } } } }"
)


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """os.environ with `values` while inside: what the processes started here inherit."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _s3_environment(server) -> dict:
    return {
        "BENCH_MEDIA": "s3",
        "AWS_STORAGE_BUCKET_NAME": server.bucket,
        "AWS_S3_ENDPOINT_URL": server.endpoint_url,
        "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key,
        "AWS_S3_REGION_NAME": "us-east-1",
    }


@contextlib.contextmanager
def _worker() -> Iterator[None]:
    log = BASE_DIR / "var" / "bench-worker.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [str(Path(sys.executable).parent / "celery"), "-A", "project", "worker"]
    command += ["--loglevel", "INFO", "--concurrency", "1", "--without-mingle"]
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # nothing left from an earlier run
    # The worker's own log lines go where the app's do (bench/settings.py).
    app_log = BASE_DIR / "var" / "bench-app.log"
    offset = app_log.stat().st_size if app_log.exists() else 0
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while not app_log.exists() or b" ready." not in app_log.read_bytes()[offset:]:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start; see {log}")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _bodies(count: int) -> list[tuple[bytes, str]]:
    from urllib3 import encode_multipart_formdata

    from bench.scenarios import upload

    data = upload._jpeg()
    counter = itertools.count(1)
    bodies = []
    for _ in range(count):
        stamp = f"BENCHCAM-{next(counter) + int(time.time()) % 10**6:010d}".encode()
        fields = {
            "operations": json.dumps({"query": QUERY, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": ("photo.jpg", data.replace(upload.MARKER, stamp), "image/jpeg"),
        }
        bodies.append(encode_multipart_formdata(fields))
    return bodies


def _send(port: int, token: str, bodies: list[tuple[bytes, str]]) -> tuple[list[str], float]:
    """POST every body from CLIENTS threads: the photo ids and the time of the last answer."""
    ids: list[str] = []
    failures: list[str] = []
    queue = list(bodies)
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    body, content_type = queue.pop()
                headers = {"Content-Type": content_type, "Authorization": f"JWT {token}"}
                connection.request("POST", "/graphql/", body=body, headers=headers)
                answer = json.loads(connection.getresponse().read())
                photo = (answer.get("data") or {}).get("uploadPhoto") or {}
                with lock:
                    (ids if "id" in photo else failures).append(photo.get("id") or str(answer))
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise AssertionError(f"an upload failed: {failures[0][:300]}")
    return ids, time.perf_counter() - started


def _all_ready(ids: list[str]) -> bool:
    from media_graph.models import Photo
    from schema.core.nodes import parse_global_id

    pks = [parse_global_id(photo_id, "Photo") for photo_id in ids]
    return not Photo.objects.filter(pk__in=pks).exclude(processing_status="READY").exists()


def _round(ctx, *, queued: bool) -> tuple[float, float]:
    """(seconds until all READY, seconds until the last answer)."""
    from bench.scenarios import upload
    from users.jwt_tokens import issue_tokens

    token = issue_tokens(upload._uploader()).token
    bodies = _bodies(UPLOADS)
    broker = {"CELERY_BROKER_URL": REDIS_URL if queued else "", "REDIS_URL": ""}
    with _environment(**_s3_environment(ctx.s3), **broker), Gunicorn() as server:
        worker = _worker() if queued else contextlib.nullcontext()
        with worker:
            started = time.perf_counter()
            ids, answered = _send(server.port, token, bodies)
            deadline = started + 600
            while not _all_ready(ids):
                if time.perf_counter() > deadline:
                    raise AssertionError("the photos were not READY within 10 minutes")
                time.sleep(0.05)
            ready = time.perf_counter() - started
    upload.cleanup(ctx)
    return ready, answered


def run(ctx) -> list[Line | str]:
    from bench.scenarios import upload

    if not redis_answers():
        return [f"#   {NAME}: no Redis at {REDIS_URL} (BENCH_REDIS_URL): not measured"]
    upload.cleanup(ctx)
    inline_ready, inline_answered = _round(ctx, queued=False)
    queued_ready, queued_answered = _round(ctx, queued=True)
    return [
        f"#   {NAME}: {UPLOADS} uploads of the 5 MB JPEG, {CLIENTS} client threads -> "
        f"gunicorn gthread 1 x 4 (+ 1 Celery worker process when queued)",
        Line(
            NAME,
            f"queued {queued_ready:.1f} s to all READY",
            f"inline {inline_ready:.1f} s",
            queued_ready / inline_ready,
            "-",
            "info",
        ),
        Line(
            f"{NAME}_rps",
            f"queued {UPLOADS / queued_answered:.1f} rps",
            f"inline {UPLOADS / inline_answered:.1f} rps",
            inline_answered / queued_answered,
            "-",
            "info",
        ),
    ]
