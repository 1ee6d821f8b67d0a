"""deleteAlbum: the owner removes an album; its photos stay."""

import pytest

from media_graph.models import Album, AlbumPhoto, Photo
from tests.support.client import codes
from tests.support.factories import gid, make_album, photo_row

pytestmark = pytest.mark.django_db


DELETE = """
mutation Delete($input: NodeInput!) {
  deleteAlbum(input: $input) {
    __typename
    ... on DeletedNode { id }
    ... on OperationInfo { messages { code field } }
  }
}
"""

ALBUM = "query($id: ID!) { album(id: $id) { id title } }"
PHOTO = "query($id: ID!) { photo(id: $id) { id caption status } }"
ALBUMS = '{ albums(owner: "alice") { totalCount edges { node { title } } } }'


def delete(gql, album_id: str) -> dict:
    return gql.mutate("deleteAlbum", DELETE, {"input": {"id": album_id}})


def test_the_owner_deletes_an_album_and_its_photos_stay(gql, login, alice):
    shown, draft = photo_row(alice, "shown"), photo_row(alice, "draft", published=False)
    album = make_album(alice, "Trip", visibility="PUBLIC", photos=[shown, draft], cover=draft)
    kept = make_album(alice, "Kept", photos=[shown])
    album_id = gid("Album", album.pk)
    login(alice)

    assert delete(gql, album_id) == {"__typename": "DeletedNode", "id": album_id}

    assert gql.execute(ALBUM, {"id": album_id}).data["album"] is None
    assert not Album.objects.filter(pk=album.pk).exists()
    assert list(AlbumPhoto.objects.values_list("album_id", "photo_id")) == [(kept.pk, shown.pk)]
    for photo, status in ((shown, "PUBLISHED"), (draft, "DRAFT")):
        seen = gql.execute(PHOTO, {"id": gid("Photo", photo.pk)}).data["photo"]
        assert seen == {"id": gid("Photo", photo.pk), "caption": photo.caption, "status": status}
    assert Photo.objects.count() == 2
    assert gql.execute(ALBUMS).data["albums"] == {
        "totalCount": 1,
        "edges": [{"node": {"title": "Kept"}}],
    }


def test_deleting_twice_is_not_found(gql, login, alice):
    album = make_album(alice, "Once")
    album_id = gid("Album", album.pk)
    login(alice)
    assert delete(gql, album_id)["__typename"] == "DeletedNode"
    assert codes(delete(gql, album_id)) == [("id", "not_found")]


def test_someone_elses_public_album_is_permission_denied(gql, login, alice, bob):
    photo = photo_row(alice)
    album = make_album(alice, "Alice's", visibility="PUBLIC", photos=[photo])
    login(bob)
    payload = delete(gql, gid("Album", album.pk))
    assert [m["code"] for m in payload["messages"]] == ["permission_denied"]
    assert Album.objects.filter(pk=album.pk).exists()
    assert AlbumPhoto.objects.filter(album=album).count() == 1


def test_someone_elses_private_album_is_not_found(gql, login, alice, bob):
    album = make_album(alice, "Alice's secret")
    login(bob)
    assert codes(delete(gql, gid("Album", album.pk))) == [("id", "not_found")]
    assert Album.objects.filter(pk=album.pk).exists()


@pytest.mark.parametrize(
    "album_id", ["garbage", gid("Album", 999_999), gid("Photo", 1)], ids=["bad", "gone", "photo"]
)
def test_an_unknown_album_is_not_found(gql, login, alice, album_id):
    make_album(alice, "Stays")
    login(alice)
    assert codes(delete(gql, album_id)) == [("id", "not_found")]
    assert Album.objects.count() == 1


def test_a_photo_id_does_not_delete_the_album_with_that_number(gql, login, alice):
    photo = photo_row(alice)
    album = make_album(alice, "Same number", photos=[photo])
    login(alice)
    assert codes(delete(gql, gid("Photo", album.pk))) == [("id", "not_found")]
    assert Album.objects.filter(pk=album.pk).exists()
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_anonymous_callers_are_unauthenticated(gql, alice):
    album = make_album(alice, "Public", visibility="PUBLIC")
    assert codes(delete(gql, gid("Album", album.pk))) == [(None, "unauthenticated")]
    assert Album.objects.filter(pk=album.pk).exists()
