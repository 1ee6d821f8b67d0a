"""Writer and subscriber in different processes, through Redis: gunicorn (`web`) takes the
mutations, a Celery worker makes the thumbnails (the READY transition), uvicorn
(`realtime`) delivers; all three share one database and one Redis, as in compose.
Without a Redis these skip (under CI they fail: .ci/run starts one)."""

import subprocess
import time

import pytest

from tests.support.images import make_jpeg
from tests.support.live import BASE_DIR, BIN, LiveServer, graphql_data, sign_up
from tests.support.queue import flush, redis_url_or_skip
from tests.support.realtime import RealtimeServer, WsClient, upload_photo

PHOTO = "subscription ($id: ID!) { photoUpdated(id: $id) { processingStatus likesCount } }"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    redis_url = redis_url_or_skip()
    flush(redis_url)
    workdir = tmp_path_factory.mktemp("realtime_redis")
    shared = {"REDIS_URL": redis_url, "DATABASE_URL": f"sqlite:///{workdir / 'shared.sqlite3'}"}
    realtime = RealtimeServer(workdir, extra_env=shared).start()
    web = LiveServer(workdir, extra_env=shared)
    web.log = workdir / "web.log"  # beside the realtime server's, in the same folder
    web.start()
    workers = []

    def start_worker() -> None:
        command = [str(BIN / "celery"), "-A", "project", "worker", "--pool", "solo"]
        log = (workdir / "worker.log").open("wb")
        workers.append(
            subprocess.Popen(
                [*command, "--loglevel", "WARNING"],
                cwd=BASE_DIR,
                env=realtime.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )

    try:
        yield realtime, web, start_worker
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=20)
        web.stop()
        realtime.stop()
        flush(redis_url)


def test_a_photo_goes_pending_to_ready_and_is_liked_across_processes(stack):
    realtime, web, start_worker = stack
    alice = sign_up(web.url, "alice", "pw-alice-0123456789", "alice@example.com")
    bob = sign_up(web.url, "bob", "pw-bob-0123456789", "bob@example.com")
    # Uploaded through `web`: with a broker, the thumbnails wait for a worker.
    photo = upload_photo(web.url, alice, make_jpeg(640, 480))
    with WsClient(realtime.ws_url, token=alice) as ws:
        ws.subscribe("p", PHOTO, {"id": photo})
        time.sleep(0.3)
        start_worker()
        ready = ws.receive(timeout=60)["payload"]["data"]["photoUpdated"]
        assert ready == {"processingStatus": "READY", "likesCount": 0}
        started = time.monotonic()
        graphql_data(
            f"{web.url}/graphql/",
            "mutation ($id: ID!) { likePhoto(input: {photoId: $id}) { __typename } }",
            {"id": photo},
            token=bob,
        )
        liked = ws.receive(timeout=10)["payload"]["data"]["photoUpdated"]
        assert liked == {"processingStatus": "READY", "likesCount": 1}
        assert time.monotonic() - started < 5
