"""A video through a real broker and worker: the upload answers PENDING at once (probe
only, in the request), and the worker makes the poster from the clip in S3, by ranges."""

import pytest

from media_graph.models import Photo
from media_graph.storage import ranged
from tests.media_graph.test_tasks import (  # noqa: F401 (fixtures)
    redis_broker,
    running_worker,
    s3,
    wait_until,
)
from tests.schema.media.test_upload_video import upload_video
from tests.videos import COLOUR, clip

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
    assert set(row.thumbnails) == {"small", "medium", "large", "poster"}
    assert row.blurhash
    dominant = bytes.fromhex(row.dominant_color.removeprefix("#"))
    assert all(abs(a - b) <= 25 for a, b in zip(dominant, COLOUR, strict=True)), row.dominant_color
    assert len(s3.list_keys("thumbnails/")) == 4
    assert reads and all(r.requests >= 1 for r in reads)  # read by ranges, from S3
