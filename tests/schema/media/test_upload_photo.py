"""uploadPhoto through the multipart spec, on the filesystem and on a real S3 server."""

import hashlib
import io
import logging
import time
import urllib.request

import pytest
from PIL import Image

from media_graph.models import Photo, Tag
from tests.schema.media.photos import UPLOAD, upload
from tests.support.client import codes, multipart_operation
from tests.support.images import (
    MARKER,
    make_gif,
    make_jpeg,
    make_png,
    make_webp,
    png_bomb,
    text_as_jpg,
    truncated_jpeg,
)

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(gql, url: str) -> bytes:
    """GET a URL the API handed out, as a browser would."""
    if url.startswith("http://testserver/"):
        response = gql.http.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200, url
        return b"".join(response.streaming_content)
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def test_upload_a_draft_with_thumbnails(gql, alice, login, media):
    login(alice)
    content = make_jpeg(800, 600)
    photo = upload(gql, content, caption="Dawn at the #Lake #lake #Sunrise", altText="A lake")

    assert photo["__typename"] == "Photo"
    assert photo["status"] == "DRAFT" and photo["publishedAt"] is None
    assert (photo["width"], photo["height"]) == (800, 600)
    assert photo["contentType"] == "image/jpeg"
    assert photo["sizeBytes"] == len(content)
    assert photo["sha256"] == hashlib.sha256(content).hexdigest()
    assert photo["takenAt"].startswith("2024-05-01T10:20:30")
    assert photo["altText"] == "A lake"
    assert [t["name"] for t in photo["tags"]] == ["lake", "sunrise"]
    assert {t["photosCount"] for t in photo["tags"]} == {0}  # drafts do not count
    assert photo["owner"] == {"username": "alice", "photosCount": 0}

    sizes = {
        name: (photo[name]["width"], photo[name]["height"]) for name in ("small", "medium", "large")
    }
    assert sizes == {"small": (320, 320), "medium": (640, 480), "large": (800, 600)}
    for name, (width, height) in sizes.items():
        assert photo[name]["url"].startswith("http")
        image = Image.open(io.BytesIO(fetch(gql, photo[name]["url"])))
        assert image.format == "JPEG" and image.size == (width, height)
        assert not image.getexif(), "thumbnails carry no EXIF"

    assert fetch(gql, photo["original"]["url"]) == content
    keys = media.list_keys()
    assert len([k for k in keys if k.startswith("originals/")]) == 1
    assert keys[0].endswith(".jpg") and len([k for k in keys if k.startswith("thumbnails/")]) == 3


def test_publish_at_once_counts_the_photo_and_its_tags(gql, alice, login, media):
    login(alice)
    photo = upload(gql, caption="#sea", publish=True)
    assert photo["status"] == "PUBLISHED" and photo["publishedAt"]
    assert photo["owner"]["photosCount"] == 1
    assert photo["tags"] == [{"name": "sea", "photosCount": 1}]


def test_exif_orientation_is_applied_to_sizes_and_thumbnails(gql, alice, login, media):
    login(alice)
    # Stored 800x600 with orientation 6 (rotate 90 clockwise to view): seen as 600x800.
    photo = upload(gql, make_jpeg(800, 600, orientation=6))
    assert (photo["width"], photo["height"]) == (600, 800)
    assert (photo["medium"]["width"], photo["medium"]["height"]) == (480, 640)
    image = Image.open(io.BytesIO(fetch(gql, photo["medium"]["url"]))).convert("RGB")
    # The red marker drawn top-left in storage order lands top-right once rotated.
    red, *_ = image.getpixel((image.width - 5, 5))
    assert red > 200 and image.getpixel((5, 5))[0] < 100
    assert MARKER[0] == 255


def test_exif_and_original_are_for_the_owner_only(gql, alice, bob, login, media):
    login(alice)
    photo = upload(
        gql, make_jpeg(400, 300, gps=(-33.8568, 151.2153), lens="35mm f/2"), publish=True
    )
    assert photo["exif"]["camera"] == "TestCam X100"
    assert photo["exif"]["lens"] == "35mm f/2"
    assert photo["exif"]["gps"]["latitude"] == pytest.approx(-33.8568, abs=1e-4)
    assert photo["original"]["url"]

    login(bob)
    seen = gql.execute(
        "query($id: ID!) { photo(id: $id) { exif original { url } medium: thumbnail { width } } }",
        {"id": photo["id"]},
    ).data["photo"]
    assert seen == {"exif": None, "original": None, "medium": {"width": 400}}


@pytest.mark.parametrize(
    ("content", "filename", "content_type", "expected"),
    [
        (make_png(300, 200), "pic.png", "image/png", "image/png"),
        (make_png(300, 200, alpha=True), "alpha.png", "image/png", "image/png"),
        (make_webp(300, 200), "pic.webp", "image/webp", "image/webp"),
        # The bytes decide, never the name or the client's content type.
        (make_png(300, 200), "lies.jpg", "image/jpeg", "image/png"),
    ],
)
def test_png_and_webp_are_detected_from_their_bytes(
    gql, alice, login, media, content, filename, content_type, expected
):
    login(alice)
    photo = upload(gql, content, filename=filename, content_type=content_type)
    assert photo["contentType"] == expected
    assert (photo["width"], photo["height"]) == (300, 200)
    extension = expected.split("/")[1].replace("jpeg", "jpg")
    assert media.list_keys("originals/")[0].endswith(f".{extension}")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (text_as_jpg(), "unsupported_format"),
        (make_gif(), "unsupported_format"),
        (b"", "unsupported_format"),
        (truncated_jpeg(), "invalid_image"),
        (png_bomb(), "image_too_large"),
    ],
    ids=["text-named-jpg", "gif", "empty", "truncated", "decompression-bomb"],
)
def test_bad_files_are_refused_before_anything_is_written(gql, alice, login, media, content, code):
    login(alice)
    assert codes(upload(gql, content)) == [("file", code)]
    assert Photo.objects.count() == 0
    assert media.list_keys() == []


def test_pixel_limit_comes_from_settings(gql, alice, login, media, settings):
    settings.MAX_IMAGE_PIXELS = 800 * 600 - 1
    login(alice)
    assert codes(upload(gql, make_jpeg(800, 600))) == [("file", "image_too_large")]


def test_size_limit_is_enforced_while_the_body_streams(gql, alice, login, media, settings):
    content = make_jpeg(800, 600, noise=True)
    settings.MAX_UPLOAD_BYTES = len(content) - 1
    login(alice)
    assert codes(upload(gql, content)) == [("file", "file_too_large")]
    assert media.list_keys() == []
    settings.MAX_UPLOAD_BYTES = len(content)
    assert upload(gql, content)["__typename"] == "Photo"


def test_the_same_bytes_twice_is_a_duplicate_naming_the_first(gql, alice, bob, login, media):
    login(alice)
    content = make_jpeg(320, 240)
    first = upload(gql, content)
    payload = upload(gql, content, filename="again.jpg")
    assert codes(payload) == [("file", "duplicate")]
    assert first["id"] in payload["messages"][0]["message"]
    assert len(media.list_keys("originals/")) == 1
    # Another owner may upload the same bytes.
    login(bob)
    assert upload(gql, content)["__typename"] == "Photo"


def test_caption_over_2200_characters_is_invalid(gql, alice, login, media):
    login(alice)
    assert codes(upload(gql, caption="x" * 2201)) == [("caption", "invalid")]
    assert media.list_keys() == [] and Photo.objects.count() == 0
    assert upload(gql, caption="x" * 2200)["__typename"] == "Photo"


def test_album_id_must_name_an_album(gql, alice, login, media):
    login(alice)
    assert codes(upload(gql, albumId="QWxidW06MQ==")) == [("albumId", "not_found")]
    assert media.list_keys() == []


def test_unicode_tags_are_lower_cased_and_unique(gql, alice, login, media):
    login(alice)
    photo = upload(gql, caption="#Straße #STRASSE #東京 #café_2024 #café_2024! #a-b", publish=True)
    assert [t["name"] for t in photo["tags"]] == ["a", "café_2024", "strasse", "straße", "東京"]
    assert Tag.objects.get(name="東京").photos_count == 1


def test_storage_outage_answers_storage_unavailable_fast_and_writes_nothing(
    gql, alice, login, settings, s3_server
):
    from tests.support.storage import use_s3

    use_s3(settings, s3_server)
    login(alice)
    s3_server.stop()
    try:
        started = time.monotonic()
        payload = upload(gql, make_jpeg(400, 300))
        elapsed = time.monotonic() - started
    finally:
        s3_server.start()
    assert codes(payload) == [(None, "storage_unavailable")]
    assert elapsed < 10, f"took {elapsed:.1f}s"
    assert Photo.objects.count() == 0
    # Storage is back: the same upload works.
    assert upload(gql, make_jpeg(400, 300))["__typename"] == "Photo"


def test_a_hung_storage_answers_storage_unavailable_within_the_deadline(
    gql, alice, login, private_s3, caplog
):
    login(alice)
    content = make_jpeg(400, 300)
    with private_s3.frozen():
        started = time.monotonic()
        payload = upload(gql, content)
        elapsed = time.monotonic() - started
    assert codes(payload) == [(None, "storage_unavailable")]
    assert elapsed < 10, f"took {elapsed:.1f}s"
    assert Photo.objects.count() == 0
    # The PUT that timed out may still land (the server serves it once it is back):
    # its key is in the log, at WARNING, for an operator to find.
    warned = [
        record.getMessage()
        for record in caplog.records
        if record.name == "media_graph.storage" and record.levelno == logging.WARNING
    ]
    assert len(warned) == 1 and "storage write of originals/" in warned[0]
    orphan = warned[0].split()[3]

    photo = upload(gql, content)  # storage is back: the same upload works
    assert photo["__typename"] == "Photo"
    stored = Photo.objects.get().original.name
    assert set(private_s3.list_keys("originals/")) - {stored} <= {orphan}


def test_apollo_style_request_with_the_file_variable_in_a_list_slot(gql, alice, login, media):
    """apollo-upload-client sends `map` as {"1": ["variables.input.file"]}: any key works."""
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    login(alice)
    response = gql.http.post(
        "/graphql/",
        data={
            "operations": json.dumps(
                {
                    "query": UPLOAD,
                    "variables": {"input": {"file": None, "publish": True}},
                    "operationName": "Upload",
                }
            ),
            "map": json.dumps({"1": ["variables.input.file"]}),
            "1": SimpleUploadedFile("blob", make_jpeg(200, 100), content_type="image/jpeg"),
        },
        headers=gql.headers(),
    )
    assert response.json()["data"]["uploadPhoto"]["status"] == "PUBLISHED"
    assert multipart_operation  # the shared helper is the curl -F shape
