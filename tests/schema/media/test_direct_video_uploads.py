"""Direct uploads of video clips: declared as video, checked from the staged bytes (header
and a few frames only), the same codes as uploadPhoto; on the filesystem and on S3."""

import pytest

from media_graph.models import Photo, StagedUpload
from tests.schema.media.direct import create, finalize, send
from tests.schema.media.test_upload_video import PHOTO
from tests.support.client import codes
from tests.support.videos import clip

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clip_goes_to_storage_and_becomes_a_video(gql, alice, login, media, settings):
    content = clip(fmt="mov", rotation=90, seconds=2)
    # A clip may be declared larger than any image.
    settings.MAX_UPLOAD_BYTES = len(content) - 1
    login(alice)
    target = create(gql, content, filename="IMG_0002.MOV", contentType="video/quicktime")
    assert target["__typename"] == "UploadTarget", target
    assert target["headers"]["Content-Type"] == "video/quicktime"
    assert send(gql, target, content) == 200
    finalized = finalize(gql, target["uploadId"], caption="#clip")
    assert finalized["__typename"] == "Photo", finalized

    photo = gql.execute(PHOTO, {"id": finalized["id"]}).data["photo"]
    assert photo["kind"] == "VIDEO" and photo["contentType"] == "video/quicktime"
    assert (photo["width"], photo["height"]) == (48, 64)
    assert photo["durationSeconds"] == pytest.approx(2.0, abs=0.05)
    assert photo["video"]["url"] and photo["processingStatus"] == "READY"
    assert photo["original"]["width"] == 48  # the poster
    assert media.list_keys("uploads/") == []
    assert len([k for k in media.list_keys() if k.endswith(".poster.jpg")]) == 1


def test_a_declared_clip_over_the_video_limit_is_refused_before_a_byte_moves(
    gql, alice, login, media, settings
):
    settings.MAX_VIDEO_BYTES = 1000
    login(alice)
    payload = create(gql, clip(), contentType="video/mp4")
    assert codes(payload) == [("sizeBytes", "file_too_large")]
    assert not StagedUpload.objects.exists()


def test_a_cut_clip_is_refused_at_finalize_and_leaves_nothing(gql, alice, login, media):
    full = clip(seconds=3)
    content = full[: len(full) // 2]
    login(alice)
    target = create(gql, content, contentType="video/mp4")
    assert send(gql, target, content) == 200
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "invalid_image")]
    assert media.list_keys() == [] and not Photo.objects.exists()
