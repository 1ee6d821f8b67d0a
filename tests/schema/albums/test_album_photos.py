"""addPhotosToAlbum, removePhotosFromAlbum and uploadPhoto(input: {albumId}).

Only the album's owner changes an album, and only with her own photos; photos keep
the order they were added in; adding one twice changes nothing; removing the cover
clears it. Photos are rows (no image bytes) except for the uploads, which go through
the real multipart mutation on the local filesystem.
"""

import pytest

from media_graph.models import Album, AlbumPhoto, Photo
from tests.schema.albums.albums import album_photo_ids, photo_gids
from tests.schema.media.photos import upload
from tests.support.client import codes
from tests.support.factories import gid, make_album, photo_row
from tests.support.images import make_jpeg

pytestmark = pytest.mark.django_db


ALBUM_FIELDS = "id photosCount cover { id } photos { totalCount edges { node { id } } }"

ADD = f"""
mutation Add($input: AlbumPhotosInput!) {{
  addPhotosToAlbum(input: $input) {{
    __typename
    ... on Album {{ {ALBUM_FIELDS} }}
    ... on OperationInfo {{ messages {{ code field }} }}
  }}
}}
"""

REMOVE = f"""
mutation Remove($input: AlbumPhotosInput!) {{
  removePhotosFromAlbum(input: $input) {{
    __typename
    ... on Album {{ {ALBUM_FIELDS} }}
    ... on OperationInfo {{ messages {{ code field }} }}
  }}
}}
"""

ALBUM = f"query($id: ID!) {{ album(id: $id) {{ {ALBUM_FIELDS} }} }}"


def add(gql, album: Album, *photos: Photo | str) -> dict:
    photo_ids = [p if isinstance(p, str) else gid("Photo", p.pk) for p in photos]
    variables = {"input": {"albumId": gid("Album", album.pk), "photoIds": photo_ids}}
    return gql.mutate("addPhotosToAlbum", ADD, variables)


def remove(gql, album: Album, *photos: Photo | str) -> dict:
    photo_ids = [p if isinstance(p, str) else gid("Photo", p.pk) for p in photos]
    variables = {"input": {"albumId": gid("Album", album.pk), "photoIds": photo_ids}}
    return gql.mutate("removePhotosFromAlbum", REMOVE, variables)


def album_as(gql, album: Album) -> dict:
    return gql.execute(ALBUM, {"id": gid("Album", album.pk)}).data["album"]


def stored_order(album: Album) -> list[int]:
    return list(album.entries.order_by("position").values_list("photo_id", flat=True))


# --- addPhotosToAlbum ------------------------------------------------------------------


def test_photos_keep_the_order_they_were_added_in(gql, login, alice):
    p1, p2, p3, p4 = (photo_row(alice, f"p{i}") for i in range(1, 5))
    draft = photo_row(alice, "draft", published=False)
    album = make_album(alice, photos=[p1])
    login(alice)

    payload = add(gql, album, p3, draft, p2)
    assert payload["__typename"] == "Album"
    assert album_photo_ids(payload) == photo_gids(p1, p3, draft, p2)
    assert payload["photosCount"] == 4 and payload["photos"]["totalCount"] == 4
    assert payload["cover"] == {"id": gid("Photo", p1.pk)}

    payload = add(gql, album, p4)
    assert album_photo_ids(payload) == photo_gids(p1, p3, draft, p2, p4)
    assert album_photo_ids(album_as(gql, album)) == photo_gids(p1, p3, draft, p2, p4)
    assert stored_order(album) == [p.pk for p in (p1, p3, draft, p2, p4)]


def test_adding_a_photo_twice_is_a_no_op(gql, login, alice):
    p1, p2, p3 = photo_row(alice, "p1"), photo_row(alice, "p2"), photo_row(alice, "p3")
    album = make_album(alice, photos=[p1, p2])
    login(alice)
    before = list(album.entries.order_by("position").values_list("photo_id", "position"))

    payload = add(gql, album, p2, p1)
    assert album_photo_ids(payload) == photo_gids(p1, p2)
    assert payload["photosCount"] == 2
    assert list(album.entries.order_by("position").values_list("photo_id", "position")) == before

    # A photo already there keeps its place; a new one in the same call goes last.
    payload = add(gql, album, p1, p3, p3)
    assert album_photo_ids(payload) == photo_gids(p1, p2, p3)
    assert AlbumPhoto.objects.filter(album=album).count() == 3


def test_someone_elses_photo_is_not_found_and_nothing_is_added(gql, login, alice, bob):
    mine, also_mine, theirs = (
        photo_row(alice, "mine"),
        photo_row(alice, "also mine"),
        photo_row(bob, "bob's"),
    )
    album = make_album(alice, photos=[mine])
    login(alice)
    payload = add(gql, album, also_mine, theirs)
    assert codes(payload) == [("photoIds", "not_found")]
    assert stored_order(album) == [mine.pk]
    assert album_photo_ids(album_as(gql, album)) == photo_gids(mine)


@pytest.mark.parametrize(
    "photo_id",
    ["garbage", gid("Photo", 999_999), gid("Album", 1)],
    ids=["bad", "gone", "album-id"],
)
def test_an_unknown_photo_is_not_found(gql, login, alice, photo_id):
    mine = photo_row(alice)
    album = make_album(alice)
    login(alice)
    assert codes(add(gql, album, mine, photo_id)) == [("photoIds", "not_found")]
    assert stored_order(album) == []


def test_someone_elses_public_album_is_permission_denied(gql, login, alice, bob):
    album = make_album(alice, visibility="PUBLIC", photos=[photo_row(alice)])
    bobs = photo_row(bob)
    login(bob)
    payload = add(gql, album, bobs)
    assert [m["code"] for m in payload["messages"]] == ["permission_denied"]
    assert AlbumPhoto.objects.filter(photo=bobs).count() == 0


def test_someone_elses_private_album_is_not_found(gql, login, alice, bob):
    album = make_album(alice)
    bobs = photo_row(bob)
    login(bob)
    assert codes(add(gql, album, bobs)) == [("albumId", "not_found")]
    assert AlbumPhoto.objects.count() == 0


def test_anonymous_callers_are_unauthenticated(gql, alice):
    album = make_album(alice, visibility="PUBLIC")
    photo = photo_row(alice)
    assert codes(add(gql, album, photo)) == [(None, "unauthenticated")]
    assert codes(remove(gql, album, photo)) == [(None, "unauthenticated")]
    assert AlbumPhoto.objects.count() == 0


# --- removePhotosFromAlbum -------------------------------------------------------------


def test_removed_photos_leave_the_album_but_stay(gql, login, alice):
    p1, p2, p3, p4 = (photo_row(alice, f"p{i}") for i in range(1, 5))
    album = make_album(alice, photos=[p1, p2, p3, p4])
    login(alice)

    payload = remove(gql, album, p3, p1)
    assert payload["__typename"] == "Album"
    assert album_photo_ids(payload) == photo_gids(p2, p4)
    assert payload["photosCount"] == 2
    assert Photo.objects.filter(pk__in=[p1.pk, p3.pk]).count() == 2

    # Put back: at the end, not where it was.
    assert album_photo_ids(add(gql, album, p1)) == photo_gids(p2, p4, p1)


def test_removing_a_photo_that_is_not_there_changes_nothing(gql, login, alice):
    p1, p2, outside = photo_row(alice, "p1"), photo_row(alice, "p2"), photo_row(alice, "outside")
    album = make_album(alice, photos=[p1, p2])
    login(alice)
    payload = remove(gql, album, outside)
    assert payload["__typename"] == "Album"
    assert album_photo_ids(payload) == photo_gids(p1, p2)
    assert stored_order(album) == [p1.pk, p2.pk]


def test_removing_the_cover_clears_it(gql, login, alice):
    p1, p2, p3 = photo_row(alice, "p1"), photo_row(alice, "p2"), photo_row(alice, "p3")
    album = make_album(alice, photos=[p1, p2, p3])
    album.cover = p2
    album.save()
    login(alice)
    assert album_as(gql, album)["cover"] == {"id": gid("Photo", p2.pk)}

    payload = remove(gql, album, p2)
    assert payload["cover"] == {"id": gid("Photo", p1.pk)}  # back to the first photo
    assert Album.objects.get(pk=album.pk).cover_id is None
    # Cleared, not hidden: put back, it is no cover again.
    assert add(gql, album, p2)["cover"] == {"id": gid("Photo", p1.pk)}


def test_removing_another_photo_keeps_the_cover(gql, login, alice):
    p1, p2, p3 = photo_row(alice, "p1"), photo_row(alice, "p2"), photo_row(alice, "p3")
    album = make_album(alice, photos=[p1, p2, p3])
    album.cover = p3
    album.save()
    login(alice)
    payload = remove(gql, album, p1)
    assert payload["cover"] == {"id": gid("Photo", p3.pk)}
    assert Album.objects.get(pk=album.pk).cover_id == p3.pk


def test_removing_every_photo_leaves_an_empty_album(gql, login, alice):
    p1, p2 = photo_row(alice, "p1"), photo_row(alice, "p2")
    album = make_album(alice, photos=[p1, p2])
    login(alice)
    payload = remove(gql, album, p1, p2)
    assert payload["photosCount"] == 0
    assert payload["cover"] is None
    assert payload["photos"] == {"totalCount": 0, "edges": []}


def test_removing_a_bad_id_is_not_found(gql, login, alice):
    p1 = photo_row(alice)
    album = make_album(alice, photos=[p1])
    login(alice)
    assert codes(remove(gql, album, p1, "garbage")) == [("photoIds", "not_found")]
    assert stored_order(album) == [p1.pk]


def test_removing_from_someone_elses_album_is_refused(gql, login, alice, bob):
    photo = photo_row(alice)
    public = make_album(alice, visibility="PUBLIC", photos=[photo])
    private = make_album(alice, photos=[photo])
    login(bob)
    payload = remove(gql, public, photo)
    assert [m["code"] for m in payload["messages"]] == ["permission_denied"]
    assert codes(remove(gql, private, photo)) == [("albumId", "not_found")]
    assert stored_order(public) == [photo.pk] and stored_order(private) == [photo.pk]


def test_a_photo_in_two_albums_keeps_its_place_in_each(gql, login, alice):
    p1, p2, p3 = photo_row(alice, "p1"), photo_row(alice, "p2"), photo_row(alice, "p3")
    first = make_album(alice, "first", photos=[p1, p2, p3])
    second = make_album(alice, "second", photos=[p3, p1, p2])
    login(alice)
    assert album_photo_ids(album_as(gql, first)) == photo_gids(p1, p2, p3)
    assert album_photo_ids(album_as(gql, second)) == photo_gids(p3, p1, p2)
    assert album_as(gql, second)["photos"]["totalCount"] == 3

    nested = gql.execute(
        '{ user(username: "alice") { albums { edges { node { title '
        "photos { totalCount edges { node { id } } } } } } } }"
    ).data["user"]["albums"]["edges"]
    assert {edge["node"]["title"]: album_photo_ids(edge["node"]) for edge in nested} == {
        "first": photo_gids(p1, p2, p3),
        "second": photo_gids(p3, p1, p2),
    }


# --- uploadPhoto(input: {albumId}) -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("media", ["filesystem"], indirect=True)
def test_an_upload_goes_last_into_the_album(gql, login, alice, media):
    p1, p2 = photo_row(alice, "p1"), photo_row(alice, "p2")
    album = make_album(alice, photos=[p2, p1])
    login(alice)

    photo = upload(gql, caption="new", albumId=gid("Album", album.pk))
    assert photo["__typename"] == "Photo"
    assert photo["status"] == "DRAFT"
    assert album_photo_ids(album_as(gql, album)) == [*photo_gids(p2, p1), photo["id"]]

    published = upload(gql, make_jpeg(64, 48), publish=True, albumId=gid("Album", album.pk))
    assert published["status"] == "PUBLISHED"
    assert album_photo_ids(album_as(gql, album)) == [
        *photo_gids(p2, p1),
        photo["id"],
        published["id"],
    ]
    assert album_as(gql, album)["photosCount"] == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("media", ["filesystem"], indirect=True)
def test_an_upload_without_an_album_goes_in_none(gql, login, alice, media):
    album = make_album(alice)
    login(alice)
    assert upload(gql)["__typename"] == "Photo"
    assert stored_order(album) == []
    assert AlbumPhoto.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("media", ["filesystem"], indirect=True)
@pytest.mark.parametrize("visibility", ["PUBLIC", "PRIVATE"])
def test_an_upload_into_someone_elses_album_is_refused_and_nothing_is_stored(
    gql, login, alice, bob, media, visibility
):
    album = make_album(alice, visibility=visibility, photos=[photo_row(alice)])
    login(bob)
    payload = upload(gql, caption="sneaky", albumId=gid("Album", album.pk))
    assert payload["__typename"] == "OperationInfo"
    expected = "permission_denied" if visibility == "PUBLIC" else "not_found"
    assert [m["code"] for m in payload["messages"]] == [expected]
    assert not Photo.objects.filter(owner=bob).exists()
    assert AlbumPhoto.objects.filter(album=album).count() == 1
    assert media.list_keys() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("media", ["filesystem"], indirect=True)
@pytest.mark.parametrize("album_id", ["garbage", gid("Album", 999_999)], ids=["bad", "gone"])
def test_an_upload_into_an_unknown_album_is_not_found(gql, login, alice, media, album_id):
    login(alice)
    payload = upload(gql, albumId=album_id)
    assert [(m["field"], m["code"]) for m in payload["messages"]] == [("albumId", "not_found")]
    assert not Photo.objects.exists()
    assert media.list_keys() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("media", ["filesystem"], indirect=True)
def test_a_duplicate_upload_does_not_touch_the_album(gql, login, alice, media):
    album = make_album(alice)
    content = make_jpeg(64, 48)
    login(alice)
    first = upload(gql, content)
    assert first["__typename"] == "Photo"
    keys = media.list_keys()

    again = upload(gql, content, albumId=gid("Album", album.pk))
    assert [(m["field"], m["code"]) for m in again["messages"]] == [("file", "duplicate")]
    assert stored_order(album) == []
    assert Photo.objects.count() == 1
    assert media.list_keys() == keys
