"""Thumbnails made after commit; a failure leaves the photo usable and is retried."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from media_graph import thumbnails
from media_graph.models import Photo
from tests.images import make_jpeg
from tests.schema.media.photos import upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failed_set_leaves_the_photo_with_null_thumbnails_and_the_command_remakes_it(
    gql, alice, login, media, monkeypatch, caplog
):
    login(alice)

    def broken(*args, **kwargs):
        raise OSError("disk full")  # a fault no real storage here will produce on demand

    with monkeypatch.context() as patch:
        patch.setattr(thumbnails, "render", broken)
        photo = upload(gql, make_jpeg(700, 500))
    assert photo["__typename"] == "Photo"
    assert photo["medium"] is None and photo["small"] is None
    assert "make_thumbnails" in caplog.text
    assert media.list_keys("thumbnails/") == []

    out = io.StringIO()
    call_command("make_thumbnails", stdout=out)
    assert "made thumbnails for 1 photo(s), 0 failed" in out.getvalue()
    made = Photo.objects.get().thumbnails
    assert (made["medium"]["width"], made["medium"]["height"]) == (640, 457)
    assert len(media.list_keys("thumbnails/")) == 3


def test_remaking_every_set_replaces_the_files(gql, alice, login, media):
    login(alice)
    upload(gql, make_jpeg(900, 600))
    before = media.list_keys()
    call_command("make_thumbnails", "--all", stdout=io.StringIO())
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


def test_a_failed_remake_leaves_no_dead_links(gql, alice, login, media, monkeypatch):
    from media_graph.services.photos import photo_make_thumbnails

    login(alice)
    upload(gql, make_jpeg(500, 400))
    photo = Photo.objects.get()
    assert photo.thumbnails
    with monkeypatch.context() as patch:
        patch.setattr(thumbnails, "render", lambda *a, **k: (_ for _ in ()).throw(OSError("full")))
        assert photo_make_thumbnails(photo=photo) is False
    assert Photo.objects.get().thumbnails == {}
    assert media.list_keys("thumbnails/") == []
    call_command("make_thumbnails", stdout=io.StringIO())
    assert len(Photo.objects.get().thumbnails) == 3


def test_an_upload_is_decoded_once_for_validation_and_thumbnails(media, monkeypatch):
    from django.core.files.base import ContentFile

    from media_graph import imaging

    content = make_jpeg(4000, 3000, orientation=6)
    info = imaging.probe(io.BytesIO(content), max_pixels=10**8, keep_for=(1280, 1280))
    full_size, image = info.decoded
    # Shown upright (3000x4000), decoded at 1/2 scale: enough for LARGE, a quarter the pixels.
    assert full_size == (3000, 4000) and image.size == (1500, 2000)
    assert not image.info.get("exif")

    def no_second_decode(*args, **kwargs):
        raise AssertionError("the source was decoded again")

    monkeypatch.setattr(imaging, "_decode_sized", no_second_decode)
    made = thumbnails.render(
        ContentFile(content, name="x.jpg"), relative_name="originals/once.jpg", decoded=info.decoded
    )
    assert {size: (m["width"], m["height"]) for size, m in made.items()} == {
        "large": (960, 1280),
        "medium": (480, 640),
        "small": (320, 320),
    }
