"""uploadPhoto with a video clip: every field, the poster's pixels, the playable file,
and each bad input leaving nothing behind; on the filesystem and on a real S3 server."""

import io

import pytest
from PIL import Image

from media_graph.models import Photo
from tests.schema.media.photos import PHOTO_FIELDS, mutate_node, upload
from tests.support.client import codes
from tests.support.images import make_jpeg
from tests.support.storage import fetch
from tests.support.videos import COLOUR, MARKER, audio_only, clip

pytestmark = pytest.mark.django_db(transaction=True)

VIDEO_FIELDS = f"""
  {PHOTO_FIELDS}
  kind durationSeconds blurhash dominantColor
  video {{ url width height contentType durationSeconds }}
  image(width: 64, format: JPEG) {{ url width height }}
"""
UPLOAD_VIDEO = f"""
mutation Upload($input: UploadPhotoInput!) {{
  uploadPhoto(input: $input) {{
    __typename
    ... on Photo {{ {VIDEO_FIELDS} }}
    ... on OperationInfo {{ messages {{ kind code field message }} }}
  }}
}}
"""
PHOTO = f"query($id: ID!) {{ photo(id: $id) {{ {VIDEO_FIELDS} }} }}"


def upload_video(gql, content: bytes, filename="clip.mp4", content_type="video/mp4", **fields):
    from tests.support.client import multipart_operation

    response = multipart_operation(
        gql,
        UPLOAD_VIDEO,
        {"input": {"file": None, **fields}},
        {"input.file": (filename, content, content_type)},
    )
    assert response.status == 200, response.body
    return response.data["uploadPhoto"]


def image_at(url: str) -> Image.Image:
    status, headers, body = fetch(url)
    if status == 302:  # a variant's URL redirects to the stored object
        status, _, body = fetch(headers["location"])
    assert status == 200, url
    return Image.open(io.BytesIO(body)).convert("RGB")


def close(pixel, colour, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


@pytest.mark.parametrize(
    ("muxer", "codec", "content_type"),
    [("mp4", "libx264", "video/mp4"), ("webm", "libvpx-vp9", "video/webm")],
)
def test_a_clip_becomes_a_video_with_a_poster(gql, alice, login, media, muxer, codec, content_type):
    login(alice)
    content = clip(fmt=muxer, codec=codec, width=64, height=48, seconds=2)
    photo = upload_video(gql, content, filename=f"clip.{muxer}", caption="#Waves")

    assert photo["__typename"] == "Photo", photo
    assert photo["kind"] == "VIDEO" and photo["status"] == "DRAFT"
    assert (photo["width"], photo["height"]) == (64, 48)
    assert photo["durationSeconds"] == pytest.approx(2.0, abs=0.05)
    assert photo["contentType"] == content_type
    assert photo["sizeBytes"] == len(content)
    assert [t["name"] for t in photo["tags"]] == ["waves"]
    # No broker in tests: the poster is made inline, after the commit.
    assert photo["processingStatus"] == "READY"
    assert photo["blurhash"] and photo["dominantColor"]

    video = photo["video"]
    assert video["contentType"] == content_type
    assert (video["width"], video["height"]) == (64, 48)
    assert video["durationSeconds"] == photo["durationSeconds"]
    status, _headers, body = fetch(video["url"])
    assert status == 200 and body == content

    # The poster is a frame of the clip: its colour, the marker in its top-left corner.
    poster = image_at(photo["original"]["url"])
    assert poster.size == (64, 48)
    assert close(poster.getpixel((50, 40)), COLOUR)
    assert close(poster.getpixel((2, 2)), MARKER, tolerance=30)
    medium = image_at(photo["medium"]["url"])
    assert close(medium.getpixel((medium.width - 3, medium.height - 3)), COLOUR)
    variant = image_at(photo["image"]["url"])
    assert variant.size == (64, 48) and close(variant.getpixel((50, 40)), COLOUR)

    keys = media.list_keys()
    assert next(k for k in keys if k.startswith("originals/")).endswith(f".{muxer}")
    assert len([k for k in keys if k.endswith(".poster.jpg")]) == 1


def test_a_phone_clip_is_shown_upright_with_its_time_and_place(
    gql, alice, bob, login, media, settings
):
    login(alice)
    content = clip(
        fmt="mov",
        width=64,
        height=48,
        rotation=90,
        metadata={
            "creation_time": "2024-05-01T10:20:30.000000Z",
            "location": "+48.8584+002.2945/",
            "make": "Apple",
            "model": "iPhone 15",
        },
    )
    photo = upload_video(gql, content, filename="IMG_0001.MOV", content_type="video/quicktime")
    assert photo["contentType"] == "video/quicktime"
    assert (photo["width"], photo["height"]) == (48, 64)
    assert (photo["video"]["width"], photo["video"]["height"]) == (48, 64)
    assert photo["takenAt"].startswith("2024-05-01T10:20:30")
    assert photo["exif"]["gps"] == {"latitude": 48.8584, "longitude": 2.2945}
    assert photo["exif"]["camera"] == "Apple iPhone 15"

    poster = image_at(photo["original"]["url"])
    assert poster.size == (48, 64)  # turned as the container says
    assert not poster.getexif(), "no rendition carries metadata"
    # Turned counter-clockwise: the stored top-left corner is now bottom-left.
    assert close(poster.getpixel((2, 61)), MARKER, tolerance=30)

    assert mutate_node(gql, "publishPhoto", photo["id"])["status"] == "PUBLISHED"
    login(bob)
    seen = gql.execute(PHOTO, {"id": photo["id"]}).data["photo"]
    assert seen["exif"] is None and seen["original"] is None  # the owner's only
    assert seen["video"]["url"] and seen["kind"] == "VIDEO"


def test_the_poster_skips_black_frames(gql, alice, login, media):
    login(alice)
    # 20 frames: black for the first 5 (a fade-in), then the colour; 10% in is frame 2.
    content = clip(seconds=2, colour_at=lambda i: (0, 0, 0) if i < 5 else COLOUR)
    photo = upload_video(gql, content)
    poster = image_at(photo["original"]["url"])
    assert close(poster.getpixel((50, 40)), COLOUR)


def test_others_see_the_video_only_once_published(gql, alice, bob, login, media):
    login(alice)
    photo = upload_video(gql, clip())
    login(bob)
    assert gql.execute(PHOTO, {"id": photo["id"]}).data["photo"] is None
    login(alice)
    mutate_node(gql, "publishPhoto", photo["id"])
    login(bob)
    assert gql.execute(PHOTO, {"id": photo["id"]}).data["photo"]["video"]["url"]


def test_a_photo_has_no_video(gql, alice, login, media):
    login(alice)
    photo = upload(gql)
    found = gql.execute(PHOTO, {"id": photo["id"]}).data["photo"]
    assert found["kind"] == "PHOTO"
    assert found["video"] is None and found["durationSeconds"] is None


def test_the_playable_file_answers_range_requests(gql, alice, login, media):
    login(alice)
    content = clip(seconds=2)
    url = upload_video(gql, content)["video"]["url"]
    size = len(content)
    # rclone's S3 answers a range with 200 (and its Content-Range); S3 and the app, 206.
    partial = 206 if media.kind == "filesystem" else 200

    status, headers, body = fetch(url, {"Range": "bytes=100-199"})
    assert (status, body) == (partial, content[100:200])
    assert headers["content-range"] == f"bytes 100-199/{size}"
    status, headers, body = fetch(url, {"Range": "bytes=-50"})
    assert (status, body) == (partial, content[-50:])
    assert headers["content-range"] == f"bytes {size - 50}-{size - 1}/{size}"
    status, _, body = fetch(url, {"Range": f"bytes={size - 10}-"})
    assert (status, body) == (partial, content[-10:])
    status, headers, _ = fetch(url, {"Range": f"bytes={size + 10}-"})
    assert status == 416
    if media.kind == "filesystem":
        assert headers["content-range"] == f"bytes */{size}"
        assert headers["accept-ranges"] == "bytes"
        assert headers["cache-control"].startswith("private, max-age=")
        # If-Range naming other bytes: the whole file.
        status, _, body = fetch(url, {"Range": "bytes=0-9", "If-Range": '"other"'})
        assert (status, body) == (200, content)


def test_deleting_a_video_removes_every_stored_object(gql, alice, login, media):
    login(alice)
    photo = upload_video(gql, clip())
    image_at(photo["image"]["url"])  # a variant, made from the poster
    assert len(media.list_keys()) == 7  # original, poster, three thumbnails, a variant, copy
    assert mutate_node(gql, "deletePhoto", photo["id"])["__typename"] == "DeletedNode"
    assert media.list_keys() == []


def bad_inputs():
    full = clip(seconds=3)
    webm = clip(fmt="webm", codec="libvpx-vp9", seconds=3)
    return {
        "matroska is not webm": (clip(fmt="matroska"), "unsupported_format"),
        "audio only": (audio_only(), "unsupported_format"),
        "mpeg-4 part 2 video": (clip(codec="mpeg4"), "unsupported_format"),
        "cut mp4 (no index)": (full[: len(full) // 2], "invalid_image"),
        "cut webm": (webm[: len(webm) // 2], "invalid_image"),
        "mp4 header, then noise": (full[:32] + bytes(range(256)) * 8, "invalid_image"),
    }


@pytest.mark.parametrize("case", list(bad_inputs()))
def test_bad_clips_are_refused_and_leave_nothing(gql, alice, login, media, case):
    content, code = bad_inputs()[case]
    login(alice)
    payload = upload_video(gql, content)
    assert codes(payload) == [("file", code)], payload
    assert media.list_keys() == [] and not Photo.objects.exists()


@pytest.mark.parametrize(
    ("setting", "value", "code", "named"),
    [
        ("MAX_VIDEO_SECONDS", 1, "image_too_large", "1 s"),
        ("MAX_IMAGE_PIXELS", 64 * 47, "image_too_large", "3008 pixels"),
        ("MAX_VIDEO_BYTES", 500, "file_too_large", "500 bytes"),
    ],
)
def test_clips_over_a_limit_are_refused(
    gql, alice, login, media, settings, setting, value, code, named
):
    setattr(settings, setting, value)
    login(alice)
    payload = upload_video(gql, clip(seconds=2))
    assert codes(payload) == [("file", code)], payload
    assert named in payload["messages"][0]["message"]
    assert media.list_keys() == [] and not Photo.objects.exists()


def test_clips_may_be_larger_than_images(gql, alice, login, media, settings):
    content = clip(seconds=2)
    settings.MAX_UPLOAD_BYTES = len(content) - 1  # an image this large is refused
    login(alice)
    assert upload_video(gql, content)["kind"] == "VIDEO"
    image = make_jpeg(800, 600)
    assert len(image) > settings.MAX_UPLOAD_BYTES
    assert codes(upload(gql, image)) == [("file", "file_too_large")]


def test_deleting_the_account_removes_every_object_of_its_videos(gql, alice, login, media):
    from media_graph.services.account_deletion import user_delete

    login(alice)
    photo = upload_video(gql, clip())
    image_at(photo["image"]["url"])
    assert len(media.list_keys()) == 7  # the copy others play among them
    user_delete(user=alice)
    assert media.list_keys() == []


def test_the_repair_sweep_takes_the_poster_for_part_of_the_set(gql, alice, login, media):
    from datetime import timedelta

    from media_graph.repair import find_drift

    login(alice)
    upload_video(gql, clip())
    assert list(find_drift(grace=timedelta(0))) == []


SOCIAL = """
mutation($photo: ID!, $owner: String!) {
  followUser(input: {username: $owner}) { ... on User { viewerIsFollowing } }
  likePhoto(input: {photoId: $photo}) { ... on Photo { likesCount } }
  addComment(input: {photoId: $photo, text: "Nice clip"}) { ... on Comment { text } }
  favoritePhoto(input: {photoId: $photo}) { ... on Photo { viewerHasFavorited } }
}
"""
FEED = "{ feed(first: 5) { edges { node { kind durationSeconds likesCount commentsCount } } } }"


def test_a_published_video_is_liked_commented_and_in_the_feed_like_a_photo(
    gql, alice, bob, login, media
):
    login(alice)
    photo = upload_video(gql, clip(), caption="#surf", publish=True)
    assert photo["status"] == "PUBLISHED" and photo["tags"] == [{"name": "surf", "photosCount": 1}]
    login(bob)
    done = gql.execute(SOCIAL, {"photo": photo["id"], "owner": "alice"}).data
    assert done["likePhoto"] == {"likesCount": 1} and done["addComment"] == {"text": "Nice clip"}
    assert done["favoritePhoto"] == {"viewerHasFavorited": True}
    node = gql.execute(FEED).data["feed"]["edges"][0]["node"]
    assert node["kind"] == "VIDEO" and node["likesCount"] == 1 and node["commentsCount"] == 1
    assert node["durationSeconds"] == pytest.approx(1.0, abs=0.05)
