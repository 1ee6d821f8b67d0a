"""updateAlbum: title, description, visibility and cover, by the album's owner only."""

import pytest

from media_graph.models import Album
from tests.support.client import codes
from tests.support.factories import gid, make_album, photo_row


def album_as_made(owner, title: str, **kwargs):
    """An album whose description ("as made") shows whether an update touched it."""
    return make_album(owner, title, description="as made", **kwargs)


pytestmark = pytest.mark.django_db


UPDATE = """
mutation Update($input: UpdateAlbumInput!) {
  updateAlbum(input: $input) {
    __typename
    ... on Album { id title description visibility cover { id } photosCount }
    ... on OperationInfo { messages { code field } }
  }
}
"""

ALBUM = """
query($id: ID!) { album(id: $id) { id title description visibility cover { id } } }
"""


def update(gql, album: Album, **fields) -> dict:
    return gql.mutate("updateAlbum", UPDATE, {"input": {"id": gid("Album", album.pk), **fields}})


def unchanged(album: Album) -> tuple:
    fresh = Album.objects.get(pk=album.pk)
    return (fresh.title, fresh.description, fresh.visibility, fresh.cover_id)


@pytest.fixture
def setting(alice):
    """Alice's private album 'Trip' with a published photo and a draft, in that order."""
    shown, draft = photo_row(alice, "shown"), photo_row(alice, "draft", published=False)
    album = album_as_made(alice, "Trip", photos=[shown, draft])
    return album, shown, draft


def test_the_owner_changes_title_description_and_visibility(gql, login, alice, setting):
    album, shown, _ = setting
    login(alice)
    payload = update(gql, album, title="Road trip", description="June", visibility="PUBLIC")
    assert payload == {
        "__typename": "Album",
        "id": gid("Album", album.pk),
        "title": "Road trip",
        "description": "June",
        "visibility": "PUBLIC",
        "cover": {"id": gid("Photo", shown.pk)},
        "photosCount": 2,
    }
    assert unchanged(album) == ("Road trip", "June", "PUBLIC", None)


def test_fields_left_out_stay_as_they_are(gql, login, alice, setting):
    album, *_ = setting
    login(alice)
    assert update(gql, album, description="")["__typename"] == "Album"
    assert unchanged(album) == ("Trip", "", "PRIVATE", None)
    assert update(gql, album, visibility="PUBLIC")["__typename"] == "Album"
    assert unchanged(album) == ("Trip", "", "PUBLIC", None)
    assert update(gql, album, visibility="PRIVATE")["visibility"] == "PRIVATE"
    assert unchanged(album) == ("Trip", "", "PRIVATE", None)


def test_making_an_album_public_shows_it_to_others_and_private_hides_it(
    gql, login, alice, bob, setting
):
    album, shown, _ = setting
    login(alice)
    update(gql, album, visibility="PUBLIC")
    login(bob)
    seen = gql.execute(ALBUM, {"id": gid("Album", album.pk)}).data["album"]
    assert (seen["title"], seen["cover"]) == ("Trip", {"id": gid("Photo", shown.pk)})
    login(alice)
    update(gql, album, visibility="PRIVATE")
    login(bob)
    assert gql.execute(ALBUM, {"id": gid("Album", album.pk)}).data["album"] is None


def test_the_cover_is_a_photo_in_the_album(gql, login, alice, setting):
    album, _, draft = setting
    login(alice)
    payload = update(gql, album, coverPhotoId=gid("Photo", draft.pk))
    assert payload["cover"] == {"id": gid("Photo", draft.pk)}
    assert Album.objects.get(pk=album.pk).cover_id == draft.pk
    # Changing something else keeps the cover.
    assert update(gql, album, title="Trip 2")["cover"] == {"id": gid("Photo", draft.pk)}
    assert unchanged(album) == ("Trip 2", "as made", "PRIVATE", draft.pk)


def test_a_cover_not_in_the_album_is_refused(gql, login, alice, setting):
    album, *_ = setting
    elsewhere = photo_row(alice, "not in the album")
    login(alice)
    payload = update(gql, album, title="Changed", coverPhotoId=gid("Photo", elsewhere.pk))
    assert codes(payload) == [("coverPhotoId", "invalid")]
    assert unchanged(album) == ("Trip", "as made", "PRIVATE", None)
    assert Album.objects.get(pk=album.pk).entries.count() == 2


def test_a_cover_the_owner_may_not_see_is_not_found(gql, login, alice, bob, setting):
    album, *_ = setting
    bobs_draft = photo_row(bob, "bob's draft", published=False)
    login(alice)
    for cover_id in (gid("Photo", bobs_draft.pk), gid("Photo", 999_999), "garbage"):
        payload = update(gql, album, title="Changed", coverPhotoId=cover_id)
        assert codes(payload) == [("coverPhotoId", "not_found")], cover_id
    assert unchanged(album) == ("Trip", "as made", "PRIVATE", None)


def test_someone_elses_published_photo_is_no_cover(gql, login, alice, bob, setting):
    album, *_ = setting
    bobs = photo_row(bob, "bob's")
    login(alice)
    payload = update(gql, album, coverPhotoId=gid("Photo", bobs.pk))
    assert codes(payload) == [("coverPhotoId", "invalid")]
    assert unchanged(album) == ("Trip", "as made", "PRIVATE", None)


@pytest.mark.parametrize("title", ["", "  "], ids=["empty", "blank"])
def test_an_empty_title_is_invalid(gql, login, alice, setting, title):
    album, *_ = setting
    login(alice)
    assert codes(update(gql, album, title=title, description="new")) == [("title", "invalid")]
    assert unchanged(album) == ("Trip", "as made", "PRIVATE", None)


def test_someone_elses_public_album_is_permission_denied(gql, login, alice, bob):
    photo = photo_row(alice)
    album = album_as_made(alice, "Alice's", visibility="PUBLIC", photos=[photo])
    login(bob)
    payload = update(gql, album, title="Bob's now", visibility="PRIVATE")
    assert [m["code"] for m in payload["messages"]] == ["permission_denied"]
    payload = update(gql, album, coverPhotoId=gid("Photo", photo.pk))
    assert [m["code"] for m in payload["messages"]] == ["permission_denied"]
    assert unchanged(album) == ("Alice's", "as made", "PUBLIC", None)


def test_someone_elses_private_album_is_not_found(gql, login, alice, bob):
    album = album_as_made(alice, "Alice's secret")
    login(bob)
    assert codes(update(gql, album, title="Bob's now")) == [("id", "not_found")]
    assert unchanged(album) == ("Alice's secret", "as made", "PRIVATE", None)


@pytest.mark.parametrize(
    "album_id", ["garbage", gid("Album", 999_999), gid("Photo", 1)], ids=["bad", "gone", "photo"]
)
def test_an_unknown_album_is_not_found(gql, login, alice, album_id):
    login(alice)
    payload = gql.mutate("updateAlbum", UPDATE, {"input": {"id": album_id, "title": "x"}})
    assert codes(payload) == [("id", "not_found")]


def test_anonymous_callers_are_unauthenticated(gql, setting):
    album, *_ = setting
    assert codes(update(gql, album, title="Nobody's")) == [(None, "unauthenticated")]
    assert unchanged(album) == ("Trip", "as made", "PRIVATE", None)
