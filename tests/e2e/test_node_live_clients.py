"""Subscriptions driven by Apollo's GraphQLWsLink in Node (tests/clients/live.test.mjs).

A realtime server (uvicorn, project.asgi) with Redis as broker and channel layer: the
upload answers PENDING, the Node test subscribes to the photo and signals, and only then
a Celery worker (another process) starts and makes it READY; the event crosses Redis.
Then a pushed notification, and a reconnect that replays what was missed. Skipped
without Node, its packages or Redis (failed under CI).
"""

import os
import re
import subprocess
import time

import pytest

from tests.e2e.test_node_clients import CLIENTS, node  # noqa: F401 -- the fixture
from tests.support.images import make_jpeg
from tests.support.live import BASE_DIR, BIN
from tests.support.queue import flush, redis_url_or_skip
from tests.support.realtime import RealtimeServer


@pytest.fixture
def realtime_with_redis(tmp_path):
    if not (CLIENTS / "node_modules" / "graphql-ws").is_dir():
        reason = "no graphql-ws: run `npm ci --prefix tests/clients` (make test does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    redis_url = redis_url_or_skip()
    flush(redis_url)
    server = RealtimeServer(tmp_path, extra_env={"REDIS_URL": redis_url}).start()
    yield server
    server.stop()
    flush(redis_url)


def test_apollo_graphql_ws_link(node, realtime_with_redis, tmp_path):  # noqa: F811
    server = realtime_with_redis
    (tmp_path / "photo.jpg").write_bytes(make_jpeg(640, 480))
    signal = tmp_path / "start-worker"
    env = {
        **os.environ,
        "GRAPHQL_URL": f"{server.url}/graphql/",
        "WS_URL": server.ws_url,
        "PHOTO": str(tmp_path / "photo.jpg"),
        "WORKER_SIGNAL": str(signal),
    }
    tests = subprocess.Popen(
        [node, "--test", "--test-reporter=spec", "live.test.mjs"],
        cwd=CLIENTS,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not signal.exists() and tests.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "project", "worker", "--pool", "solo", "-l", "WARNING"],
            cwd=BASE_DIR,
            env=server.env,
            stdout=(tmp_path / "worker.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        report, _ = tests.communicate(timeout=180)
    finally:
        if tests.poll() is None:
            tests.kill()
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)
    assert tests.returncode == 0, report + server.log.read_text()[-3000:]
    assert re.search(r"\bpass 3\b", report) and re.search(r"\bfail 0\b", report), report
