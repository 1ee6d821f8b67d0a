"""Reading one photo: photo(id:), node(id:) and its owner-only fields, per viewer.

Three points of view: the owner (alice), another signed-in user (bob) and an anonymous
client, plus an owner whose account was deactivated. Data is made through the services,
as the mutations do; every query goes over HTTP.
"""

import base64
from datetime import datetime

import pytest

from media_graph.services.photos import (
    photo_unpublish,
)
from tests.schema.media.reading import (
    READING,
    TAG,
    USER_PHOTOS,
    VIEWERS,
    list_photos,
    uploaded_photo,
)
from tests.support.client import captions
from tests.support.factories import gid

pytestmark = READING


# --- photo(id:) and node(id:) ---------------------------------------------------------

PHOTO = "query($id: ID!) { photo(id: $id) { id caption status publishedAt } }"
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Photo { caption status } } }"


def photo_as(client, photo_id: str):
    return client.execute(PHOTO, {"id": photo_id}).data["photo"]


def node_as(client, node_id: str):
    return client.execute(NODE, {"id": node_id}).data["node"]


def test_a_draft_is_seen_by_its_owner_only(viewers, alice):
    draft = uploaded_photo(alice, "not yet", publish=False)
    draft_id = gid("Photo", draft.pk)

    expected = {"id": draft_id, "caption": "not yet", "status": "DRAFT", "publishedAt": None}
    assert photo_as(viewers["alice"], draft_id) == expected
    assert photo_as(viewers["bob"], draft_id) is None
    assert photo_as(viewers["anonymous"], draft_id) is None


def test_a_published_photo_is_seen_by_everyone(viewers, alice):
    photo = uploaded_photo(alice, "for all")
    photo_id = gid("Photo", photo.pk)

    for name in VIEWERS:
        seen = photo_as(viewers[name], photo_id)
        assert seen is not None, name
        published_at = datetime.fromisoformat(seen.pop("publishedAt"))
        assert published_at == photo.published_at
        assert seen == {"id": photo_id, "caption": "for all", "status": "PUBLISHED"}


def test_an_unpublished_photo_is_its_owners_only_again(viewers, alice):
    photo = uploaded_photo(alice, "second thoughts")
    photo_unpublish(photo=photo, actor=alice)
    photo_id = gid("Photo", photo.pk)

    assert photo_as(viewers["alice"], photo_id)["status"] == "DRAFT"
    assert photo_as(viewers["bob"], photo_id) is None
    assert photo_as(viewers["anonymous"], photo_id) is None


@pytest.mark.parametrize(
    "make_id",
    [
        lambda photo, user: "",
        lambda photo, user: "nonsense",
        lambda photo, user: "!!!==",
        lambda photo, user: base64.b64encode(b"Photo").decode(),
        lambda photo, user: gid("Photo", "abc"),
        lambda photo, user: gid("Photo", "-1"),
        lambda photo, user: gid("Photo", f"{photo.pk}.0"),
        lambda photo, user: gid("Photo", photo.pk + 1000),
        # Another type's ID, even with the pk of a photo that exists.
        lambda photo, user: gid("User", user.pk),
        lambda photo, user: gid("User", photo.pk),
        lambda photo, user: gid("Tag", photo.pk),
    ],
    ids=[
        "empty",
        "not-base64",
        "garbage",
        "no-colon",
        "pk-not-a-number",
        "negative-pk",
        "decimal-pk",
        "no-such-photo",
        "a-user-id",
        "user-type-photo-pk",
        "tag-type-photo-pk",
    ],
)
def test_a_malformed_or_wrong_type_id_is_null_not_an_error(viewers, alice, make_id):
    photo = uploaded_photo(alice, "exists")
    # The owner could see the photo: only the ID makes it null.
    response = viewers["alice"].execute(PHOTO, {"id": make_id(photo, alice)})
    assert response.body == {"data": {"photo": None}}


def test_node_obeys_the_same_visibility(viewers, alice):
    draft = uploaded_photo(alice, "draft", publish=False)
    published = uploaded_photo(alice, "published")
    draft_id, published_id = gid("Photo", draft.pk), gid("Photo", published.pk)

    assert node_as(viewers["alice"], draft_id) == {
        "__typename": "Photo",
        "id": draft_id,
        "caption": "draft",
        "status": "DRAFT",
    }
    assert node_as(viewers["bob"], draft_id) is None
    assert node_as(viewers["anonymous"], draft_id) is None
    for name in VIEWERS:
        assert node_as(viewers[name], published_id) == {
            "__typename": "Photo",
            "id": published_id,
            "caption": "published",
            "status": "PUBLISHED",
        }, name
        assert node_as(viewers[name], gid("Photo", published.pk + 1000)) is None, name


def test_a_deactivated_owners_photos_vanish_for_everyone(viewers, alice, bob):
    published = uploaded_photo(alice, "#gone with the owner")
    draft = uploaded_photo(alice, "#gone too", publish=False)
    uploaded_photo(bob, "still here")
    alice.is_active = False
    alice.save(update_fields=["is_active"])

    # alice's token no longer authenticates: her client is anonymous now.
    for name in VIEWERS:
        client = viewers[name]
        for photo in (published, draft):
            assert photo_as(client, gid("Photo", photo.pk)) is None, name
            assert node_as(client, gid("Photo", photo.pk)) is None, name
        assert captions(list_photos(client)) == ["still here"], name
        assert captions(list_photos(client, filters={"owner": "alice"})) == [], name
        assert client.execute(USER_PHOTOS, {"username": "alice"}).data["user"] is None, name
        tag = client.execute(TAG, {"name": "gone"}).data["tag"]
        assert tag is None or tag["photos"]["edges"] == [], name


# --- owner-only fields ----------------------------------------------------------------

PRIVATE = """
query($id: ID!) {
  photo(id: $id) {
    exif
    original { url width height }
    owner { username email }
  }
}
"""


def test_exif_original_and_email_are_for_the_owner_only(viewers, alice):
    photo = uploaded_photo(alice, "mine")
    photo_id = gid("Photo", photo.pk)

    seen = viewers["alice"].execute(PRIVATE, {"id": photo_id}).data["photo"]
    assert seen["exif"]["camera"] == "TestCam X100"
    assert seen["exif"]["lens"] == photo.exif["lens"]
    assert (seen["original"]["width"], seen["original"]["height"]) == (64, 48)
    assert seen["original"]["url"].startswith("http")
    assert seen["owner"] == {"username": "alice", "email": "alice@example.com"}

    for name in ("bob", "anonymous"):
        seen = viewers[name].execute(PRIVATE, {"id": photo_id}).data["photo"]
        assert seen == {
            "exif": None,
            "original": None,
            "owner": {"username": "alice", "email": None},
        }, name


def test_exif_and_original_stay_private_in_lists(viewers, alice):
    uploaded_photo(alice, "mine")
    query = "{ photos { edges { node { exif original { width } } } } }"
    owner_sees = viewers["alice"].execute(query).data["photos"]["edges"][0]["node"]
    assert owner_sees["exif"]["camera"] == "TestCam X100"
    assert owner_sees["original"] == {"width": 64}
    for name in ("bob", "anonymous"):
        assert viewers[name].execute(query).data["photos"]["edges"] == [
            {"node": {"exif": None, "original": None}}
        ], name


SIZES = """
query($id: ID!) {
  photo(id: $id) {
    thumbnail { url width height }
    medium: thumbnail(size: MEDIUM) { url width height }
    small: thumbnail(size: SMALL) { url width height }
    large: thumbnail(size: LARGE) { url width height }
  }
}
"""


def test_thumbnail_defaults_to_medium(viewers, alice):
    # Large enough for the three sizes to differ: 320x320, 640x480 and 800x600.
    photo = uploaded_photo(alice, "big enough", size=(800, 600))
    for name in VIEWERS:
        seen = viewers[name].execute(SIZES, {"id": gid("Photo", photo.pk)}).data["photo"]
        assert seen["thumbnail"] == seen["medium"], name
        sizes = {key: (value["width"], value["height"]) for key, value in seen.items()}
        assert sizes == {
            "thumbnail": (640, 480),
            "medium": (640, 480),
            "small": (320, 320),
            "large": (800, 600),
        }, name
        urls = {value["url"] for value in seen.values()}
        assert len(urls) == 3 and all(url.startswith("http") for url in urls), name
