"""createAlbum: PRIVATE by default, optional initial photos (your own only), title required."""

import pytest

from media_graph.models import Album, AlbumPhoto
from tests.support.client import codes
from tests.support.factories import gid, photo_row

pytestmark = pytest.mark.django_db


CREATE = """
mutation Create($input: CreateAlbumInput!) {
  createAlbum(input: $input) {
    __typename
    ... on Album {
      id title description visibility
      owner { username }
      photosCount
      cover { id }
      photos { totalCount edges { node { id caption } } }
    }
    ... on OperationInfo { messages { code field } }
  }
}
"""

ALBUM = """
query($id: ID!) {
  album(id: $id) {
    id title description visibility owner { username } photosCount cover { id }
    photos { edges { node { id } } }
  }
}
"""


def create(gql, **fields) -> dict:
    return gql.mutate("createAlbum", CREATE, {"input": fields})


def test_an_album_is_private_by_default(gql, login, alice):
    login(alice)
    album = create(gql, title="Summer")
    assert album["__typename"] == "Album"
    row = Album.objects.get()
    assert album == {
        "__typename": "Album",
        "id": gid("Album", row.pk),
        "title": "Summer",
        "description": "",
        "visibility": "PRIVATE",
        "owner": {"username": "alice"},
        "photosCount": 0,
        "cover": None,
        "photos": {"totalCount": 0, "edges": []},
    }
    assert (row.owner, row.title, row.visibility, row.cover) == (alice, "Summer", "PRIVATE", None)


def test_create_a_public_album_with_a_description(gql, login, alice, bob):
    login(alice)
    album = create(gql, title="Walks", description="Sundays only", visibility="PUBLIC")
    assert (album["title"], album["description"], album["visibility"]) == (
        "Walks",
        "Sundays only",
        "PUBLIC",
    )
    # Public: someone else sees it.
    login(bob)
    seen = gql.execute(ALBUM, {"id": album["id"]}).data["album"]
    assert (seen["title"], seen["visibility"], seen["owner"]) == (
        "Walks",
        "PUBLIC",
        {"username": "alice"},
    )


def test_a_new_private_album_is_invisible_to_others(gql, login, alice, bob):
    login(alice)
    album = create(gql, title="Mine")
    assert gql.execute(ALBUM, {"id": album["id"]}).data["album"]["title"] == "Mine"
    login(bob)
    assert gql.execute(ALBUM, {"id": album["id"]}).data["album"] is None


def test_initial_photos_in_the_order_given(gql, login, alice):
    first, second, draft = (
        photo_row(alice, "first"),
        photo_row(alice, "second"),
        photo_row(alice, "d", published=False),
    )
    login(alice)
    ids = [gid("Photo", p.pk) for p in (second, draft, first)]
    album = create(gql, title="Picked", photoIds=ids)

    assert album["__typename"] == "Album"
    assert [edge["node"]["id"] for edge in album["photos"]["edges"]] == ids
    assert album["photos"]["totalCount"] == 3
    assert album["photosCount"] == 3  # the owner sees her draft too
    assert album["cover"] == {"id": ids[0]}  # no explicit cover: the first photo
    row = Album.objects.get()
    assert list(row.entries.order_by("position").values_list("photo_id", flat=True)) == [
        second.pk,
        draft.pk,
        first.pk,
    ]


def test_a_photo_given_twice_is_added_once(gql, login, alice):
    photo, other = photo_row(alice), photo_row(alice)
    login(alice)
    ids = [gid("Photo", photo.pk), gid("Photo", other.pk), gid("Photo", photo.pk)]
    album = create(gql, title="Twice", photoIds=ids)
    assert [edge["node"]["id"] for edge in album["photos"]["edges"]] == ids[:2]
    assert album["photosCount"] == 2


def test_someone_elses_photo_is_not_found_and_nothing_is_created(gql, login, alice, bob):
    mine, theirs = photo_row(alice, "mine"), photo_row(bob, "bob's, published")
    login(alice)
    payload = create(
        gql, title="Borrowed", photoIds=[gid("Photo", mine.pk), gid("Photo", theirs.pk)]
    )
    assert codes(payload) == [("photoIds", "not_found")]
    assert Album.objects.count() == 0
    assert AlbumPhoto.objects.count() == 0


@pytest.mark.parametrize(
    "photo_id",
    ["not-an-id", gid("Photo", 999_999), gid("User", 1), gid("Album", 1)],
    ids=["garbage", "missing", "user-id", "album-id"],
)
def test_an_id_that_is_not_one_of_your_photos_is_not_found(gql, login, alice, photo_id):
    login(alice)
    payload = create(gql, title="Odd", photoIds=[photo_id])
    assert codes(payload) == [("photoIds", "not_found")]
    assert Album.objects.count() == 0


@pytest.mark.parametrize("title", ["", "   "], ids=["empty", "blank"])
def test_a_title_is_required(gql, login, alice, title):
    photo = photo_row(alice)
    login(alice)
    payload = create(gql, title=title, photoIds=[gid("Photo", photo.pk)])
    assert codes(payload) == [("title", "invalid")]
    assert Album.objects.count() == 0


def test_a_title_over_200_characters_is_invalid(gql, login, alice):
    login(alice)
    assert codes(create(gql, title="x" * 201)) == [("title", "invalid")]
    assert Album.objects.count() == 0
    assert create(gql, title="x" * 200)["__typename"] == "Album"


def test_a_missing_title_is_a_validation_error(gql, login, alice):
    login(alice)
    response = gql.execute(CREATE, {"input": {"description": "no title"}})
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert Album.objects.count() == 0


def test_anonymous_callers_are_unauthenticated(gql, alice):
    photo = photo_row(alice)
    payload = create(gql, title="Nobody's", photoIds=[gid("Photo", photo.pk)])
    assert codes(payload) == [(None, "unauthenticated")]
    assert Album.objects.count() == 0
