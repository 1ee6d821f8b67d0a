"""Uploads that decode to nothing real, or to shapes no thumbnail can show, are refused."""

import pytest

from media_graph.models import Photo
from tests.schema.media.photos import upload
from tests.support.client import codes
from tests.support.images import jpeg_claiming, make_jpeg, make_png

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_jpeg_claiming_49_megapixels_it_does_not_hold_is_invalid(gql, alice, login, media):
    login(alice)
    payload = upload(gql, jpeg_claiming(7000, 7000))
    assert codes(payload) == [("file", "invalid_image")]
    assert Photo.objects.count() == 0
    assert media.list_keys() == []


def test_a_40_to_1_panorama_gets_every_thumbnail(gql, alice, login, media):
    login(alice)
    photo = upload(gql, make_jpeg(4000, 100), publish=True)
    assert (photo["width"], photo["height"]) == (4000, 100)
    sizes = {
        size: (photo[size]["width"], photo[size]["height"]) for size in ("small", "medium", "large")
    }
    assert sizes == {"small": (320, 320), "medium": (640, 16), "large": (1280, 32)}


def test_a_strip_beyond_40_to_1_is_invalid_and_nothing_is_stored(gql, alice, login, media):
    login(alice)
    payload = upload(gql, make_png(10, 4100), filename="strip.png", content_type="image/png")
    [message] = payload["messages"]
    assert (message["field"], message["code"]) == ("file", "invalid_image")
    assert "at most 40" in message["message"]
    assert media.list_keys() == []


def test_a_caption_with_more_than_30_tags_is_invalid(gql, alice, login, media):
    login(alice)
    tags = " ".join(f"#t{n}" for n in range(31))
    assert codes(upload(gql, caption=tags)) == [("caption", "invalid")]
    assert media.list_keys() == []
    assert len(upload(gql, caption=tags.rsplit(" ", 1)[0])["tags"]) == 30
