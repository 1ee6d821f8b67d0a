"""What others play of a video: a copy without container or stream metadata, remuxed
(not re-encoded) after the upload; the owner keeps the original and its `exif`."""

import io
from datetime import timedelta

import av
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from media_graph.models import Photo
from media_graph.repair import find_drift
from tests.schema.media.test_upload_video import PHOTO, upload_video
from tests.support.client import GraphQLClient
from tests.support.storage import fetch
from tests.support.videos import clip

pytestmark = pytest.mark.django_db(transaction=True)

PLACE = "+48.8584+002.2945/"
RECORDED = "2024-05-01T10:20:30.000000Z"
PHONE = {"location": PLACE, "creation_time": RECORDED, "make": "Apple", "model": "iPhone 15"}


def phone_clip(fmt: str, codec: str = "libx264") -> bytes:
    return clip(fmt=fmt, codec=codec, seconds=2, rotation=90, metadata=PHONE)


def what_it_says(content: bytes) -> tuple[dict, list[dict], int, tuple[int, int]]:
    """A clip's container metadata, its streams' metadata, its first frame's rotation,
    and that frame's size as stored."""
    with av.open(io.BytesIO(content)) as container:
        frame = next(container.decode(video=0))
        streams = [dict(stream.metadata) for stream in container.streams]
        return dict(container.metadata), streams, frame.rotation, (frame.width, frame.height)


def assert_says_nothing(content: bytes) -> None:
    assert PLACE.encode() not in content and b"48.8584" not in content
    assert b"2024" not in content and b"iPhone" not in content and b"Apple" not in content
    container, streams, rotation, size = what_it_says(content)
    said = {key.lower(): value for key, value in container.items()}
    said |= {key.lower(): value for stream in streams for key, value in stream.items()}
    assert not said.keys() & {"location", "location-eng", "creation_time", "make", "model"}
    # Matroska requires a writing application: the muxer's name, no version, no device.
    assert said.get("encoder", "Lavf") == "Lavf"
    assert rotation == 90 and size == (64, 48)  # still plays, still upright


@pytest.mark.parametrize(
    ("muxer", "codec", "content_type"),
    [
        ("mp4", "libx264", "video/mp4"),
        ("mov", "libx264", "video/quicktime"),
        ("webm", "libvpx-vp9", "video/webm"),
    ],
)
def test_others_play_a_copy_without_the_place_or_time(
    gql, alice, bob, login, media, muxer, codec, content_type
):
    content = phone_clip(muxer, codec)
    container, _, _, _ = what_it_says(content)
    assert PLACE in container.values() and "creation_time" in container  # the attack's clip

    login(alice)
    photo = upload_video(gql, content, filename=f"clip.{muxer}", publish=True)
    assert photo["processingStatus"] == "READY"  # inline: no broker in tests
    assert photo["exif"]["gps"] == {"latitude": 48.8584, "longitude": 2.2945}
    assert photo["takenAt"].startswith("2024-05-01T10:20:30")
    status, _, original = fetch(photo["video"]["url"])
    assert status == 200 and original == content  # the owner's own file

    anonymous = GraphQLClient()
    login(bob)
    for viewer in (anonymous, gql):
        seen = viewer.execute(PHOTO, {"id": photo["id"]}).data["photo"]
        assert seen["exif"] is None and seen["takenAt"] is not None
        video = seen["video"]
        assert video["contentType"] == content_type
        assert (video["width"], video["height"]) == (48, 64)
        assert video["url"] != photo["video"]["url"]
        status, _, copy = fetch(video["url"])
        assert status == 200 and copy != content
        assert_says_nothing(copy)


def test_the_copy_is_a_stored_object_of_the_photo(gql, alice, login, media):
    login(alice)
    photo = upload_video(gql, phone_clip("mp4"), publish=True)
    copies = [key for key in media.list_keys() if ".playback." in key]
    assert len(copies) == 1 and copies[0].startswith("thumbnails/originals/")
    assert copies[0].endswith(".mp4")
    # The repair sweep counts it as part of the set, not as an orphan.
    assert list(find_drift(grace=timedelta(0))) == []

    # A video made before copies existed is found, and the fix makes its copy.
    row = Photo.objects.get()
    default_storage.delete(row.thumbnails["playback"]["name"])
    Photo.objects.filter(pk=row.pk).update(
        thumbnails={k: v for k, v in row.thumbnails.items() if k != "playback"}
    )
    assert GraphQLClient().execute(PHOTO, {"id": photo["id"]}).data["photo"]["video"] is None
    findings = [str(finding) for finding in find_drift(grace=timedelta(0))]
    assert findings == [
        f"photo {row.pk} ({row.original.name}): READY without the copy others play",
    ]
    call_command("make_thumbnails", "--fix", "--grace-minutes", "0", stdout=io.StringIO())
    video = GraphQLClient().execute(PHOTO, {"id": photo["id"]}).data["photo"]["video"]
    assert_says_nothing(fetch(video["url"])[2])
    assert list(find_drift(grace=timedelta(0))) == []
