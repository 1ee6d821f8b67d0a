"""Photo.image, Photo.srcSet, Photo.blurhash, Photo.dominantColor, through HTTP.

Variants are fetched as a browser does: the app's signed URL, a redirect, the stored
object (on the local filesystem and on a real S3 server). What is checked: format and
size, EXIF orientation applied, no metadata (GPS!), sRGB (an embedded profile is
converted), the Cache-Control header and 304, render-once, and the bounds.
"""

import io
import time
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from media_graph.imaging import ladder as pixels
from media_graph.models import ImageVariant, Photo
from media_graph.storage import url_windows
from tests.schema.media.photos import mutate_node, upload
from tests.support.images import icc_swapping_red_and_blue, make_jpeg
from tests.support.storage import fetch

pytestmark = pytest.mark.django_db(transaction=True)

IMAGES = """
query($id: ID!, $width: Int!, $format: ImageFormat) {
  photo(id: $id) {
    processingStatus blurhash dominantColor
    image(width: $width, format: $format) { url width height format }
    srcSet(format: $format)
    thumbnail { format }
  }
}
"""


def query(gql, photo_id: str, width: int, fmt: str | None = "WEBP"):
    return gql.execute(IMAGES, {"id": photo_id, "width": width, "format": fmt})


def get_variant(url: str) -> tuple[int, dict, bytes, str]:
    """Follow the app's URL to the stored object: its status, headers, body, location."""
    status, headers, _ = fetch(url)
    assert status == 302, status
    assert headers["cache-control"].startswith("private, max-age=")
    location = headers["location"]
    return (*fetch(location), location)


@pytest.fixture
def photo(media, alice, login, gql) -> dict:
    login(alice)
    content = make_jpeg(800, 600, orientation=6, gps=(48.8584, 2.2945))  # shown 600x800
    return upload(gql, content, publish=True)


@pytest.mark.parametrize("fmt", ["WEBP", "JPEG", "AVIF"])
def test_a_variant_is_made_on_first_fetch_then_served_from_storage(gql, photo, fmt, media):
    data = query(gql, photo["id"], 300, fmt).data["photo"]
    image = data["image"]
    assert (image["width"], image["height"], image["format"]) == (320, 427, fmt)
    status, headers, body, location = get_variant(image["url"])
    assert status == 200
    assert headers["cache-control"] == url_windows.CACHE_CONTROL
    made = Image.open(io.BytesIO(body))
    assert (made.format, made.size) == (fmt, (320, 427))
    assert not made.getexif() and not {"exif", "xmp", "icc_profile"} & set(made.info)
    # EXIF orientation 6: the stored top-left red square is now at the top right.
    r, g, b = made.convert("RGB").getpixel((made.width - 5, 5))
    assert r > 200 and g < 60 and b < 60
    assert media.list_keys("variants/") == [ImageVariant.objects.get().name]

    status, _, _ = fetch(location, {"If-None-Match": headers["etag"]})
    assert status == 304
    # The second fetch: the same object, nothing rendered again.
    assert get_variant(image["url"])[3].split("?")[0] == location.split("?")[0]
    assert ImageVariant.objects.count() == 1


def test_the_ladder_never_goes_wider_than_the_original(gql, photo):
    photo_id = photo["id"]
    widths = {w: query(gql, photo_id, w).data["photo"]["image"]["width"] for w in (1, 161, 5000)}
    # 600 wide as shown, below the 640 rung: its own width is the top one.
    assert widths == {1: 160, 161: 320, 5000: 600}
    src_set = query(gql, photo_id, 1).data["photo"]["srcSet"]
    entries = [entry.rsplit(" ", 1) for entry in src_set.split(", ")]
    assert [w for _, w in entries] == ["160w", "320w", "480w", "600w"]
    assert all(url.startswith("http://testserver/images/") for url, _ in entries)
    assert query(gql, photo_id, 1, None).data["photo"]["image"]["format"] == "WEBP"


def test_thumbnails_say_their_format_and_placeholders_are_stored(gql, photo):
    data = query(gql, photo["id"], 640).data["photo"]
    assert data["thumbnail"]["format"] == "JPEG"
    assert len(data["blurhash"]) == 28 and data["blurhash"][0] == "L"  # 4x3 components
    assert data["dominantColor"].startswith("#") and len(data["dominantColor"]) == 7
    row = Photo.objects.get()
    assert (row.blurhash, row.dominant_color) == (data["blurhash"], data["dominantColor"])


def test_an_embedded_profile_is_converted_to_srgb(media, alice, login, gql):
    login(alice)
    content = make_jpeg(400, 300, icc_profile=icc_swapping_red_and_blue())
    photo = upload(gql, content)
    image = query(gql, photo["id"], 160, "WEBP").data["photo"]["image"]
    body = get_variant(image["url"])[2]
    r, _, b = Image.open(io.BytesIO(body)).convert("RGB").getpixel((5, 5))
    assert b > 200 and r < 60  # red under that profile is sRGB blue


@pytest.mark.parametrize("width", [0, -1, 10_001])
def test_a_width_out_of_bounds_is_bad_user_input(gql, photo, width):
    response = query(gql, photo["id"], width)
    assert response.error_codes == ["BAD_USER_INPUT"]


def test_a_format_that_is_not_one_of_ours_is_refused(gql, photo):
    response = query(gql, photo["id"], 100, "GIF")
    assert response.error_codes == ["BAD_USER_INPUT"]


def test_nothing_while_pending(gql, photo):
    Photo.objects.update(processing_status=Photo.ProcessingStatus.PENDING, blurhash="")
    data = query(gql, photo["id"], 640).data["photo"]
    assert (data["image"], data["srcSet"], data["blurhash"]) == (None, None, None)


def test_a_stranger_never_gets_a_drafts_urls(media, alice, bob, login, gql):
    login(alice)
    draft = upload(gql)
    login(bob)
    assert query(gql, draft["id"], 640).data["photo"] is None


def test_a_bad_or_expired_signature_is_403_without_a_query_or_storage(gql, photo, media):
    url = query(gql, photo["id"], 640).data["photo"]["image"]["url"]
    path = urlsplit(url)
    tampered = f"{path.path.replace('/600.', '/601.')}?{path.query}"
    with CaptureQueriesContext(connection) as queries:
        assert fetch(tampered)[0] == 403
        assert fetch(path.path)[0] == 403
    assert queries.captured_queries == []
    expired_at = int(path.query.split("exp=")[1].split("&")[0])
    original_now = url_windows.now
    try:
        url_windows.now = lambda: expired_at
        assert fetch(url)[0] == 403
    finally:
        url_windows.now = original_now
    assert media.list_keys("variants/") == []


def test_urls_are_stable_within_a_window_and_new_after_it(gql, photo, monkeypatch, settings):
    start = int(time.time()) // settings.MEDIA_URL_MAX_AGE * settings.MEDIA_URL_MAX_AGE
    monkeypatch.setattr(url_windows, "now", lambda: start + 1)
    first = query(gql, photo["id"], 640).data["photo"]
    monkeypatch.setattr(url_windows, "now", lambda: start + settings.MEDIA_URL_MAX_AGE - 1)
    assert query(gql, photo["id"], 640).data["photo"] == first
    monkeypatch.setattr(url_windows, "now", lambda: start + settings.MEDIA_URL_MAX_AGE)
    later = query(gql, photo["id"], 640).data["photo"]
    assert later["image"]["url"] != first["image"]["url"]
    assert later["srcSet"] != first["srcSet"]


def test_deleting_a_photo_deletes_its_variants(gql, photo, media):
    image = query(gql, photo["id"], 160).data["photo"]["image"]
    assert get_variant(image["url"])[0] == 200
    assert len(media.list_keys("variants/")) == 1
    assert mutate_node(gql, "deletePhoto", photo["id"])["__typename"] == "DeletedNode"
    assert media.list_keys("variants/") == []
    assert fetch(image["url"])[0] == 404


def test_a_variant_key_is_never_reused():
    from media_graph import variants

    one = variants.key("originals/abc.jpg", 640, "WEBP", "r1")
    assert one == "variants/abc/v1/640-r1.webp"
    assert (
        len(
            {
                one,
                variants.key("originals/abc.jpg", 640, "WEBP", "r2"),  # another render's
                variants.key("originals/abc.jpg", 640, "AVIF", "r1"),
                variants.key("originals/abc.jpg", 640, "WEBP", "r1", version=2),
                variants.key("originals/abd.jpg", 640, "WEBP", "r1"),
            }
        )
        == 5
    )
    assert pixels.rungs(100) == [100] and pixels.rungs(2600)[-1] == 2560


def test_the_original_width_tops_the_ladder_when_it_falls_between_rungs(media, alice, login, gql):
    login(alice)
    wide = upload(gql, make_jpeg(2000, 1000))["id"]
    image = query(gql, wide, 2560).data["photo"]["image"]
    assert (image["width"], image["height"]) == (2000, 1000)
    src_set = query(gql, wide, 1).data["photo"]["srcSet"]
    assert [entry.rsplit(" ", 1)[1] for entry in src_set.split(", ")][-2:] == ["1920w", "2000w"]
    assert Image.open(io.BytesIO(get_variant(image["url"])[2])).size == (2000, 1000)

    narrow = upload(gql, make_jpeg(300, 200))["id"]
    src_set = query(gql, narrow, 1).data["photo"]["srcSet"]
    assert [entry.rsplit(" ", 1)[1] for entry in src_set.split(", ")] == ["160w", "300w"]
    assert query(gql, narrow, 320).data["photo"]["image"]["width"] == 300
    assert pixels.rungs(1920)[-1] == 1920 and pixels.rungs(160) == [160]
