"""Thumbnails made after commit (inline here: no broker); a failed set is FAILED and repaired."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from media_graph import thumbnails
from media_graph.models import Photo
from tests.schema.media.photos import upload
from tests.support.images import icc_swapping_red_and_blue, make_jpeg

pytestmark = pytest.mark.django_db(transaction=True)


FIXED = "1 photo(s) re-queued, 0 orphan object(s) deleted, 0 photo(s) without an original"


def repair(*args) -> str:
    out = io.StringIO()
    call_command("make_thumbnails", *args, stdout=out)
    return out.getvalue()


def test_a_failed_set_leaves_the_photo_failed_with_null_thumbnails_and_the_command_remakes_it(
    gql, alice, login, media, monkeypatch, caplog
):
    login(alice)

    def broken(*args, **kwargs):
        raise OSError("disk full")  # a fault no real storage here will produce on demand

    with monkeypatch.context() as patch:
        patch.setattr(thumbnails, "render", broken)
        photo = upload(gql, make_jpeg(700, 500))
    assert photo["__typename"] == "Photo" and photo["processingStatus"] == "FAILED"
    assert photo["medium"] is None and photo["small"] is None
    assert "make_thumbnails --fix" in caplog.text
    assert media.list_keys("thumbnails/") == []

    found = repair()
    assert f"photo {Photo.objects.get().pk} " in found and "): FAILED" in found
    assert Photo.objects.get().processing_status == "FAILED"  # a dry run changes nothing
    assert FIXED in repair("--fix")
    made = Photo.objects.get()
    assert made.processing_status == "READY"
    assert (made.thumbnails["medium"]["width"], made.thumbnails["medium"]["height"]) == (640, 457)
    assert len(media.list_keys("thumbnails/")) == 3


def test_a_healthy_store_has_nothing_to_repair(gql, alice, login, media):
    login(alice)
    upload(gql, make_jpeg(900, 600))
    before = media.list_keys()
    assert repair("--fix", "--grace-minutes", "0").splitlines() == [
        "0 photo(s) re-queued, 0 orphan object(s) deleted, 0 photo(s) without an original"
    ]
    assert media.list_keys() == before


def test_render_strips_metadata_and_upscales_only_the_square(media):
    from django.core.files.base import ContentFile

    source = ContentFile(make_jpeg(300, 200, gps=(51.5, -0.12)), name="x.jpg")
    made = thumbnails.render(source, relative_name="originals/x.jpg")
    assert {size: (m["width"], m["height"]) for size, m in made.items()} == {
        "small": (320, 320),
        "medium": (300, 200),
        "large": (300, 200),
    }
    from django.core.files.storage import default_storage

    with default_storage.open(made["large"]["name"]) as stored:
        image = Image.open(stored)
        assert not image.getexif() and "icc_profile" not in image.info
        assert not image.info.get("progressive")  # baseline: a third of the encode time


def test_render_turns_the_sizes_upright_and_converts_their_colours_to_srgb(media):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    # The marker is red in the stored top-left corner; orientation 6 shows that corner
    # top-right, and the profile (red and blue swapped) makes it blue in sRGB.
    content = make_jpeg(3000, 2000, orientation=6, icc_profile=icc_swapping_red_and_blue())
    made = thumbnails.render(ContentFile(content, name="x.jpg"), relative_name="originals/p3.jpg")
    assert {size: (m["width"], m["height"]) for size, m in made.items()} == {
        "large": (853, 1280),
        "medium": (427, 640),
        "small": (320, 320),
    }
    for size, entry in made.items():
        with default_storage.open(entry["name"]) as stored:
            image = Image.open(stored)
            assert not image.getexif() and "icc_profile" not in image.info
            if size != "small":  # whose centred square leaves the corner out
                red, green, blue = image.convert("RGB").getpixel((image.width - 3, 2))
                assert blue > 200 and red < 60 and green < 60


def test_a_failed_remake_leaves_no_dead_links(gql, alice, login, media, monkeypatch):
    login(alice)
    upload(gql, make_jpeg(500, 400))
    photo = Photo.objects.get()
    assert photo.thumbnails
    # A variant went missing from storage: the photo is re-queued, and the new set fails.
    gone = photo.thumbnails["small"]["name"]
    from django.core.files.storage import default_storage

    default_storage.delete(gone)
    with monkeypatch.context() as patch:
        patch.setattr(thumbnails, "render", lambda *a, **k: (_ for _ in ()).throw(OSError("full")))
        assert "READY with 1 variant(s) gone" in repair("--fix")
    failed = Photo.objects.get()
    assert (failed.processing_status, failed.thumbnails) == ("FAILED", {})
    assert FIXED in repair("--fix")
    assert len(Photo.objects.get().thumbnails) == 3
    assert len(media.list_keys("thumbnails/")) == 3


def test_an_upload_is_decoded_once_for_validation_and_thumbnails(media, monkeypatch):
    from django.core.files.base import ContentFile

    from media_graph import imaging
    from media_graph.imaging import decoding

    content = make_jpeg(4000, 3000, orientation=6)
    info = imaging.probe(io.BytesIO(content), max_pixels=10**8, keep_for=(1280, 1280))
    full_size, image = info.decoded
    # Shown upright (3000x4000), decoded at 1/2 scale: enough for LARGE, a quarter the pixels.
    assert full_size == (3000, 4000) and image.size == (1500, 2000)
    assert not image.info.get("exif")

    def no_second_decode(*args, **kwargs):
        raise AssertionError("the source was decoded again")

    monkeypatch.setattr(decoding, "decode_sized", no_second_decode)
    monkeypatch.setattr(decoding, "open_drafted", no_second_decode)  # what a set decodes with
    made = thumbnails.render(
        ContentFile(content, name="x.jpg"), relative_name="originals/once.jpg", decoded=info.decoded
    )
    assert {size: (m["width"], m["height"]) for size, m in made.items()} == {
        "large": (960, 1280),
        "medium": (480, 640),
        "small": (320, 320),
    }


# --- real faults: a storage that hangs mid-set, and what it leaves behind ---------------


def _key(request) -> str:
    """The object key of a path-style S3 request: /<bucket>/<key>?..."""
    from urllib.parse import unquote, urlsplit

    return unquote(urlsplit(request.url).path).split("/", 2)[2]


def test_a_set_whose_write_hangs_midway_leaves_no_object(
    gql, alice, login, private_s3, settings, caplog
):
    import time

    from botocore.config import Config
    from django.core.files.storage import default_storage

    from tests.support.storage import use_s3

    # A short deadline and no retry keep this test fast, and make the one write that
    # times out one request the server still holds (a retry would be a second one).
    settings.AWS_S3_CLIENT_CONFIG = settings.AWS_S3_CLIENT_CONFIG.merge(
        Config(connect_timeout=1, read_timeout=1, retries={"total_max_attempts": 1})
    )
    use_s3(settings, private_s3)
    server = private_s3
    seen: dict[str, object] = {"thumbnails": 0, "in_flight": None, "landed": False}

    def hang_before_the_second_thumbnail(request, **kwargs):
        key = _key(request)
        if key.startswith("thumbnails/"):
            seen["thumbnails"] += 1
            if seen["thumbnails"] == 2:
                seen["in_flight"] = key
                server.freeze()  # the request goes out to a server that never answers

    def thaw_before_the_cleanup(request, **kwargs):
        # The server comes back for the cleanup, and first serves the PUT the client
        # gave up on: the in-flight name now holds an object, which the cleanup must
        # delete too. Wait for it to land so the order is the worst one, every run.
        server.thaw()
        landed = server.root / server.bucket / seen["in_flight"]
        deadline = time.monotonic() + 5
        while not landed.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        seen["landed"] = landed.exists()

    login(alice)
    events = default_storage.connection.meta.client.meta.events
    events.register("before-send.s3.PutObject", hang_before_the_second_thumbnail)
    events.register("before-send.s3.DeleteObjects", thaw_before_the_cleanup)
    try:
        photo = upload(gql, make_jpeg(900, 700))
    finally:
        server.thaw()
        events.unregister("before-send.s3.PutObject", hang_before_the_second_thumbnail)
        events.unregister("before-send.s3.DeleteObjects", thaw_before_the_cleanup)

    assert photo["__typename"] == "Photo" and photo["medium"] is None
    assert photo["processingStatus"] == "FAILED"  # inline: no retries on the request's thread
    assert seen["in_flight"] and seen["landed"], seen
    assert server.list_keys("thumbnails/") == []
    assert Photo.objects.get().thumbnails == {}
    assert "make_thumbnails --fix" in caplog.text

    assert FIXED in repair("--fix")
    assert len(server.list_keys("thumbnails/")) == 3


def test_the_repair_command_overwrites_an_orphan_left_under_a_thumbnail_name(
    gql, alice, login, media
):
    from django.core.files.storage import default_storage

    login(alice)
    upload(gql, make_jpeg(900, 600))
    photo = Photo.objects.get()
    names = {size: entry["name"] for size, entry in photo.thumbnails.items()}
    before = media.list_keys()
    # The row forgets its set, as when a write timed out and landed after the cleanup:
    # every thumbnail name now holds an object no row refers to, one of them junk.
    Photo.objects.filter(pk=photo.pk).update(thumbnails={})
    junk = b"not the thumbnail"
    if media.kind == "s3":
        server = media.s3_server
        server.client().put_object(Bucket=server.bucket, Key=names["medium"], Body=junk)
    else:
        (media.root / names["medium"]).write_bytes(junk)

    assert FIXED in repair("--fix")

    made = Photo.objects.get().thumbnails
    assert {size: entry["name"] for size, entry in made.items()} == names
    assert media.list_keys() == before  # the same names, no renamed copies beside them
    with default_storage.open(names["medium"]) as stored:
        assert Image.open(stored).size == (640, 427)
