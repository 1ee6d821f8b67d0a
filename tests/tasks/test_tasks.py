"""Thumbnails and deletes through a real broker (Redis) and a real Celery worker.

Uploads and deletes go through the GraphQL API; the worker runs in a thread of this
process against the same database and a real S3 server (rclone).
"""

import io
import logging
import threading
import time
from contextlib import contextmanager

import pytest
from botocore.config import Config
from celery.signals import task_prerun, task_retry
from django.core.management import call_command

from media_graph import variants
from media_graph.models import ImageVariant, Photo
from tests.schema.media.photos import PHOTO, mutate_node, upload
from tests.support.images import make_jpeg
from tests.support.ports import free_port
from tests.support.queue import broker, flush, redis_url_or_skip, wait_for, worker
from tests.support.storage import fetch, use_s3

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_broker(settings):
    url = redis_url_or_skip()
    flush(url)
    # Retries come within a second here (production: 2 s, doubling, with jitter).
    settings.TASK_RETRY_BACKOFF = 0.2
    settings.TASK_RETRY_BACKOFF_MAX = 0.5
    with broker(settings, url):
        yield url
    flush(url)


@pytest.fixture
def running_worker(redis_broker):
    with worker():
        yield


@pytest.fixture
def s3(private_s3, settings):
    """The test's own S3 server with a short deadline and no retry, so a stall is quick."""
    settings.AWS_S3_CLIENT_CONFIG = settings.AWS_S3_CLIENT_CONFIG.merge(
        Config(connect_timeout=1, read_timeout=1, retries={"total_max_attempts": 1})
    )
    use_s3(settings, private_s3)
    return private_s3


def photo_status(gql, photo_id: str) -> str | None:
    photo = gql.execute(PHOTO, {"id": photo_id}).data["photo"]
    return photo and photo["processingStatus"]


def wait_until(gql, photo_id: str, status: str) -> dict:
    wait_for(lambda: photo_status(gql, photo_id) == status, what=f"{photo_id} to be {status}")
    return gql.execute(PHOTO, {"id": photo_id}).data["photo"]


@contextmanager
def on_signal(signal, handler):
    """Run `handler` on a Celery signal (in the worker's thread) while inside."""
    signal.connect(handler, weak=False)
    try:
        yield
    finally:
        signal.disconnect(handler)


def test_an_upload_answers_pending_and_the_worker_makes_it_ready(
    gql, alice, login, s3, running_worker, caplog
):
    login(alice)
    caplog.set_level(logging.INFO)
    photo = upload(gql, make_jpeg(900, 600))
    assert photo["processingStatus"] in ("PENDING", "READY")  # the worker may be quick
    if photo["processingStatus"] == "PENDING":
        assert photo["medium"] is None and photo["small"] is None
    ready = wait_until(gql, photo["id"], "READY")
    assert (ready["medium"]["width"], ready["medium"]["height"]) == (640, 427)
    assert len(s3.list_keys("thumbnails/")) == 3
    # The worker's own line for the task (which goes on past READY: variants ahead).
    wait_for(lambda: "succeeded" in caplog.text, what="the task's line")
    # The worker stored the placeholders too, on the row: showing them costs nothing.
    row = Photo.objects.get()
    assert len(row.blurhash) == 28 and len(row.dominant_color) == 7


def test_a_storage_stall_makes_the_task_retry_then_succeed(gql, alice, login, s3, running_worker):
    login(alice)
    seen = {"runs": 0, "retries": 0}

    def stall_the_first_run(sender=None, **kwargs):
        if sender.name == "media.make_thumbnails":
            seen["runs"] += 1
            if seen["runs"] == 1:
                s3.freeze()  # the worker reads the original from a storage that hangs

    def thaw_on_retry(sender=None, **kwargs):
        seen["retries"] += 1
        s3.thaw()

    try:
        with on_signal(task_prerun, stall_the_first_run), on_signal(task_retry, thaw_on_retry):
            photo = upload(gql, make_jpeg(900, 600))
            ready = wait_until(gql, photo["id"], "READY")
    finally:
        s3.thaw()
    assert seen == {"runs": 2, "retries": 1}
    assert ready["medium"]["width"] == 640
    assert len(s3.list_keys("thumbnails/")) == 3


def test_a_set_that_keeps_failing_is_failed_and_leaves_no_object(
    gql, alice, login, s3, settings, running_worker
):
    settings.TASK_MAX_RETRIES = 2
    login(alice)

    def stall_every_run(sender=None, **kwargs):
        # Frozen when the task starts (the upload itself stored its original before).
        if sender.name == "media.make_thumbnails" and not s3.is_frozen:
            s3.freeze()

    try:
        with on_signal(task_prerun, stall_every_run):
            photo = upload(gql, make_jpeg(700, 500))
            failed = wait_until(gql, photo["id"], "FAILED")
    finally:
        s3.thaw()
    assert failed["medium"] is None
    assert s3.list_keys("thumbnails/") == []
    # The repair command re-queues it, and the worker makes it.
    out = io.StringIO()
    call_command("make_thumbnails", "--fix", stdout=out)
    assert "): FAILED" in out.getvalue()
    assert wait_until(gql, photo["id"], "READY")["small"]["width"] == 320


def test_a_task_for_a_photo_deleted_before_it_ran_does_nothing_and_leaves_nothing(
    gql, alice, login, s3, redis_broker
):
    login(alice)
    photo = upload(gql, make_jpeg(700, 500))  # queued; no worker yet
    assert photo["processingStatus"] == "PENDING" and len(s3.list_keys()) == 1
    assert mutate_node(gql, "deletePhoto", photo["id"])["__typename"] == "DeletedNode"
    assert len(s3.list_keys()) == 1  # the delete is queued too
    with worker():
        wait_for(lambda: s3.list_keys() == [], what="the bucket to empty")
        # Both tasks ran, in order: the set found no photo and stored nothing.
        time.sleep(0.5)
    assert s3.list_keys() == []


def test_a_set_whose_photo_is_deleted_while_it_is_made_removes_what_it_stored(
    gql, alice, login, s3, redis_broker
):
    from django.core.files.storage import default_storage

    from tasks.media import make_thumbnails

    login(alice)
    photo = upload(gql, make_jpeg(700, 500))
    pk = Photo.objects.get().pk
    deleted = []

    def delete_the_photo_midway(request, **kwargs):
        if "/thumbnails/" in request.url and not deleted:
            deleted.append(mutate_node(gql, "deletePhoto", photo["id"])["__typename"])

    events = default_storage.connection.meta.client.meta.events
    events.register("before-send.s3.PutObject", delete_the_photo_midway)
    try:
        # The task's body, run here (a second delivery of the queued message would do the
        # same): the photo goes after its first variant is stored.
        make_thumbnails.apply(args=[pk])
    finally:
        events.unregister("before-send.s3.PutObject", delete_the_photo_midway)
    assert deleted == ["DeletedNode"]
    with worker():  # runs the queued set (nothing to do) and the queued delete
        wait_for(lambda: s3.list_keys() == [], what="the bucket to empty")
    assert not Photo.objects.exists()


def test_a_broker_that_is_down_leaves_the_upload_pending_for_the_repair_command(
    gql, alice, login, s3, settings, redis_broker, caplog
):
    login(alice)
    closed = f"redis://127.0.0.1:{free_port()}/11"
    with broker(settings, closed):
        started = time.monotonic()
        photo = upload(gql, make_jpeg(700, 500))
        elapsed = time.monotonic() - started
    assert photo["__typename"] == "Photo" and photo["processingStatus"] == "PENDING"
    assert elapsed < 5, f"took {elapsed:.1f}s"
    assert "could not queue media.make_thumbnails" in caplog.text
    assert len(s3.list_keys()) == 1  # the original is stored; the row committed

    with broker(settings, redis_broker), worker():
        out = io.StringIO()
        call_command("make_thumbnails", stdout=out)  # within the grace period: left alone
        assert "0 photo(s) to re-queue" in out.getvalue()
        call_command("make_thumbnails", "--fix", "--grace-minutes", "0", stdout=out)
        assert "): PENDING since" in out.getvalue()
        assert wait_until(gql, photo["id"], "READY")["large"]["width"] == 700


def test_delete_answers_at_once_and_its_task_retries_until_storage_answers(
    gql, alice, login, s3, running_worker
):
    login(alice)
    photo = upload(gql, make_jpeg(700, 500))
    wait_until(gql, photo["id"], "READY")
    # The original and three thumbnails; the widths made ahead come right after READY,
    # so they may or may not be there yet.
    assert len([key for key in s3.list_keys() if not key.startswith("variants/")]) == 4
    retried = []
    back = threading.Event()

    def storage_back_on_retry(sender=None, **kwargs):
        retried.append(sender.name)
        if not back.is_set():
            s3.start()
            back.set()

    s3.stop()  # storage is gone altogether: connections are refused
    try:
        with on_signal(task_retry, storage_back_on_retry):
            started = time.monotonic()
            assert mutate_node(gql, "deletePhoto", photo["id"])["__typename"] == "DeletedNode"
            assert time.monotonic() - started < 1  # no storage call on the request
            wait_for(lambda: back.is_set() and s3.list_keys() == [], what="the objects to go")
    finally:
        s3.start()
    assert retried and set(retried) == {"media.delete_objects"}


def test_the_worker_makes_the_widths_asked_for_most_right_after_the_set(
    gql, alice, login, s3, running_worker, monkeypatch
):
    login(alice)
    photo = upload(gql, make_jpeg(1600, 1200), publish=True)
    wait_until(gql, photo["id"], "READY")
    wait_for(lambda: ImageVariant.objects.count() == 3, what="the variants made ahead")
    made = dict(ImageVariant.objects.values_list("width", "name"))
    assert sorted(made) == [320, 640, 1280]
    assert set(ImageVariant.objects.values_list("format", flat=True)) == {"WEBP"}
    assert sorted(s3.list_keys("variants/")) == sorted(made.values())

    def no_render(*args, **kwargs):
        raise AssertionError("a first fetch rendered in the web process")

    monkeypatch.setattr(variants.pixels, "render", no_render)
    gql.token = None
    url = gql.execute(
        "query($id: ID!) { photo(id: $id) { image(width: 600) { url } } }", {"id": photo["id"]}
    ).data["photo"]["image"]["url"]
    status, headers, _ = fetch(url)
    assert status == 302 and made[640] in headers["location"]
