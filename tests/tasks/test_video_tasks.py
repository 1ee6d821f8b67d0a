"""A video through a real broker and worker: the upload answers PENDING at once (probe
only, in the request), and the worker makes the poster from the clip in S3, by ranges."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import task_prerun, task_retry

from media_graph.imaging import video
from media_graph.models import Photo
from media_graph.storage import ranged
from tests.schema.media.test_upload_video import PHOTO, upload_video
from tests.schema.media.test_video_copies import assert_says_nothing, phone_clip
from tests.support.client import GraphQLClient
from tests.support.queue import worker
from tests.support.storage import fetch
from tests.support.videos import COLOUR, clip
from tests.tasks.test_tasks import (  # noqa: F401 (fixtures)
    on_signal,
    redis_broker,
    running_worker,
    s3,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_video_answers_pending_and_the_worker_makes_its_poster(
    gql,
    alice,
    login,
    s3,  # noqa: F811
    running_worker,  # noqa: F811
    monkeypatch,
):
    reads = []
    opened = ranged.RangedObject.__init__

    def spy(self, *args, **kwargs):
        opened(self, *args, **kwargs)
        reads.append(self)

    monkeypatch.setattr(ranged.RangedObject, "__init__", spy)
    login(alice)
    content = clip(seconds=2)
    photo = upload_video(gql, content)
    assert photo["kind"] == "VIDEO" and photo["durationSeconds"] == pytest.approx(2.0, abs=0.05)
    assert photo["processingStatus"] in ("PENDING", "READY")  # the worker may be quick
    if photo["processingStatus"] == "PENDING":
        assert photo["medium"] is None and photo["image"] is None and photo["original"] is None
        assert photo["video"]["url"]  # the file plays at once
    wait_until(gql, photo["id"], "READY")
    row = Photo.objects.get()
    assert set(row.thumbnails) == {"small", "medium", "large", "poster", "playback"}
    assert row.blurhash
    dominant = bytes.fromhex(row.dominant_color.removeprefix("#"))
    assert all(abs(a - b) <= 25 for a, b in zip(dominant, COLOUR, strict=True)), row.dominant_color
    assert len(s3.list_keys("thumbnails/")) == 5
    assert reads and all(r.requests >= 1 for r in reads)  # read by ranges, from S3


def test_a_poster_task_out_of_time_fails_for_good_without_a_retry(
    gql,
    alice,
    login,
    s3,  # noqa: F811
    running_worker,  # noqa: F811
    monkeypatch,
):
    """Celery's soft time limit needs a prefork worker's signal; the test worker runs
    solo, in a thread, so the poster raises what that signal would (the fault alone)."""

    def out_of_time(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(video, "poster", out_of_time)
    seen = {"runs": 0, "retries": 0}

    def count_run(sender=None, **kwargs):
        seen["runs"] += sender.name == "media.make_thumbnails"

    def count_retry(sender=None, **kwargs):
        seen["retries"] += 1

    login(alice)
    with on_signal(task_prerun, count_run), on_signal(task_retry, count_retry):
        photo = upload_video(gql, clip())
        failed = wait_until(gql, photo["id"], "FAILED")
    assert seen == {"runs": 1, "retries": 0}
    assert failed["medium"] is None
    assert s3.list_keys("thumbnails/") == []


def test_others_get_no_video_until_the_worker_has_made_their_copy(
    gql,
    alice,
    login,
    s3,  # noqa: F811
    redis_broker,  # noqa: F811
):
    login(alice)
    photo = upload_video(gql, phone_clip("mov"), filename="IMG_0003.MOV", publish=True)
    assert photo["processingStatus"] == "PENDING"  # queued; no worker yet
    assert photo["video"]["url"]  # the owner plays the original at once
    anonymous = GraphQLClient()
    assert anonymous.execute(PHOTO, {"id": photo["id"]}).data["photo"]["video"] is None
    with worker():
        wait_until(gql, photo["id"], "READY")
    video = anonymous.execute(PHOTO, {"id": photo["id"]}).data["photo"]["video"]
    status, _, copy = fetch(video["url"])
    assert status == 200
    assert_says_nothing(copy)  # remuxed from S3, by ranges
