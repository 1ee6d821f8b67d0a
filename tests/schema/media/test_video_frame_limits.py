"""Clips whose frames are larger than their track says: every decoded frame is held to
MAX_IMAGE_PIXELS, by FFmpeg's own limit and by a check before it is converted.

The clips are real WebM (VP8) files whose track declares 64x64 while a keyframe is
1200x1200 (tests/videos.resized_keyframe_clip); MAX_IMAGE_PIXELS is lowered to one
million so that they stay quick to make (the attack's 10000x10000 behaves the same).
"""

import io

import av
import pytest

from media_graph.imaging import clip_limits, video
from media_graph.models import Photo
from tests.schema.media.direct import create, finalize, send
from tests.schema.media.test_upload_video import PHOTO, upload_video
from tests.support.client import codes
from tests.support.videos import resized_keyframe_clip

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 1_000_000  # the large keyframe has 1,440,000 pixels


@pytest.fixture
def small_limit(settings):
    settings.MAX_IMAGE_PIXELS = LIMIT


def test_a_keyframe_larger_than_the_limit_further_in_fails_the_video(
    gql, alice, login, media, small_limit
):
    login(alice)
    # The probe decodes the first frame (64x64); the poster, 10% in, meets the large one.
    photo = upload_video(gql, resized_keyframe_clip(at=0.1), filename="clip.webm")
    assert photo["__typename"] == "Photo", photo
    found = gql.execute(PHOTO, {"id": photo["id"]}).data["photo"]
    assert found["processingStatus"] == "FAILED"
    assert found["original"] is None and found["medium"] is None
    assert Photo.objects.get().thumbnails == {}
    # The original alone: no poster over the limit, no thumbnail made from one.
    assert [key.split("/")[0] for key in media.list_keys()] == ["originals"]


def test_a_first_frame_larger_than_the_limit_is_refused_at_upload(
    gql, alice, login, media, small_limit
):
    login(alice)
    payload = upload_video(gql, resized_keyframe_clip(at=0), filename="clip.webm")
    assert codes(payload) == [("file", "image_too_large")], payload
    assert f"{LIMIT} pixels" in payload["messages"][0]["message"]
    assert media.list_keys() == [] and not Photo.objects.exists()


def test_a_first_frame_larger_than_the_limit_is_refused_at_finalize(
    gql, alice, login, media, small_limit
):
    content = resized_keyframe_clip(at=0)
    login(alice)
    target = create(gql, content, filename="clip.webm", contentType="video/webm")
    assert send(gql, target, content) == 200
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "image_too_large")]
    assert media.list_keys() == [] and not Photo.objects.exists()


def test_ffmpeg_itself_refuses_the_frame_before_it_is_allocated():
    """Without the check on decoded frames: the decoder, told the limit, decodes none."""
    with clip_limits.open_clip(io.BytesIO(resized_keyframe_clip(at=0)), LIMIT) as container:
        stream = container.streams.video[0]
        refusing = clip_limits.decoding(stream, LIMIT)
        with pytest.raises(clip_limits.VideoRejected) as refused, refusing:
            frames = list(container.decode(stream))
            pytest.fail(f"decoded {[(f.width, f.height) for f in frames]}")
    assert refused.value.code == "image_too_large"
    assert isinstance(refused.value.__cause__, av.error.ArgumentError)


def test_the_poster_is_refused_too_without_django():
    with pytest.raises(video.VideoRejected) as refused:
        video.poster(io.BytesIO(resized_keyframe_clip()), duration=2.0, max_pixels=LIMIT)
    assert refused.value.code == "image_too_large"
