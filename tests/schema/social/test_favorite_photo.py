"""favoritePhoto, unfavoritePhoto and Query.favorites: idempotent, private, any photo the
viewer may see (their own drafts too), newest favorite first."""

import pytest

from media_graph.models import Favorite
from tests.support.client import codes
from tests.support.factories import gid, make_photo, photo_row
from tests.support.query_counts import counts, unjoined

pytestmark = pytest.mark.django_db


MUTATION = """
mutation($photoId: ID!) {
  %s(input: {photoId: $photoId}) {
    __typename
    ... on Photo { id viewerHasFavorited likesCount }
    ... on OperationInfo { messages { code field } }
  }
}"""

FAVORITES = """
query($first: Int, $after: String, $last: Int, $before: String) {
  favorites(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { caption viewerHasFavorited owner { username } } }
  }
}"""


def favorite(gql, photo) -> dict:
    return gql.mutate(
        "favoritePhoto", MUTATION % "favoritePhoto", {"photoId": gid("Photo", photo.pk)}
    )


def unfavorite(gql, photo) -> dict:
    name = "unfavoritePhoto"
    return gql.mutate(name, MUTATION % name, {"photoId": gid("Photo", photo.pk)})


def favorites(gql, **page) -> dict:
    return gql.execute(FAVORITES, page).data["favorites"]


def captions(connection: dict) -> list[str]:
    return [edge["node"]["caption"] for edge in connection["edges"]]


def test_favorite_answers_the_photo_and_is_idempotent(gql, login, alice, bobs_photo):
    login(alice)
    first = favorite(gql, bobs_photo)
    assert first == {
        "__typename": "Photo",
        "id": gid("Photo", bobs_photo.pk),
        "viewerHasFavorited": True,
        "likesCount": 0,
    }
    assert favorite(gql, bobs_photo) == first
    assert Favorite.objects.filter(user=alice, photo=bobs_photo).count() == 1


def test_unfavorite_is_idempotent(gql, login, alice, bobs_photo):
    login(alice)
    favorite(gql, bobs_photo)
    for _ in range(2):
        assert unfavorite(gql, bobs_photo)["viewerHasFavorited"] is False
    assert not Favorite.objects.exists()


def test_favorites_are_private(gql, login, alice, bob, carol, bobs_photo):
    login(alice)
    favorite(gql, bobs_photo)
    login(carol)
    assert favorites(gql)["edges"] == []
    photo = gql.execute(
        "query($id: ID!) { photo(id: $id) { viewerHasFavorited } }",
        {"id": gid("Photo", bobs_photo.pk)},
    ).data["photo"]
    assert photo == {"viewerHasFavorited": False}


def test_own_drafts_can_be_favorited_and_listed(gql, login, alice):
    draft = make_photo(alice, "my draft", publish=False)
    login(alice)
    assert favorite(gql, draft)["viewerHasFavorited"] is True
    assert captions(favorites(gql)) == ["my draft"]


def test_someone_elses_draft_is_not_found(gql, login, alice, bob):
    draft = make_photo(bob, "bob's draft", publish=False)
    login(alice)
    assert codes(favorite(gql, draft)) == [("photoId", "not_found")]
    assert not Favorite.objects.exists()


@pytest.mark.parametrize("bad_id", ["", "nope", gid("Album", 1), gid("Photo", 10**30)])
def test_bad_ids_are_not_found(gql, login, alice, bad_id):
    login(alice)
    answer = gql.mutate("favoritePhoto", MUTATION % "favoritePhoto", {"photoId": bad_id})
    assert codes(answer) == [("photoId", "not_found")]


def test_anonymous_is_unauthenticated(gql, bobs_photo):
    assert codes(favorite(gql, bobs_photo)) == [(None, "unauthenticated")]
    response = gql.execute(FAVORITES, {})
    assert response.error_codes == ["UNAUTHENTICATED"]


def test_newest_favorite_first_and_a_photo_that_became_invisible_leaves(gql, login, alice, bob):
    photos = [make_photo(bob, f"p{i}") for i in range(4)]
    login(alice)
    for photo in (photos[2], photos[0], photos[3], photos[1]):
        favorite(gql, photo)
    assert captions(favorites(gql)) == ["p1", "p3", "p0", "p2"]
    photos[3].status, photos[3].published_at = "DRAFT", None
    photos[3].save()
    listed = favorites(gql)
    assert captions(listed) == ["p1", "p0", "p2"]
    assert listed["totalCount"] == 3


def test_favorites_page_by_keyset(gql, login, alice, bob):
    photos = [make_photo(bob, f"p{i}") for i in range(5)]
    login(alice)
    for photo in photos:
        favorite(gql, photo)
    first = favorites(gql, first=2)
    assert captions(first) == ["p4", "p3"]
    favorite(gql, make_photo(bob, "newer"))
    rest = favorites(gql, first=10, after=first["pageInfo"]["endCursor"])
    assert captions(rest) == ["p2", "p1", "p0"]
    assert rest["totalCount"] == 6


@pytest.mark.parametrize("first", [-1, 101])
def test_page_size_is_bounded(gql, login, alice, first):
    login(alice)
    assert gql.execute(FAVORITES, {"first": first}).error_codes == ["BAD_USER_INPUT"]


def test_deleting_the_photo_removes_the_favorite(alice, bob):
    photo = photo_row(bob, "gone")
    Favorite.objects.create(user=alice, photo=photo)
    photo.delete()
    assert not Favorite.objects.exists()


def test_query_count_does_not_grow_with_page_size(gql, login, alice, bob):
    for i in range(50):
        Favorite.objects.create(user=alice, photo=photo_row(bob, f"f{i}"))
    login(alice)
    document = """{ favorites(first: $N) { totalCount edges { node {
        caption viewerHasFavorited viewerHasLiked owner { username } tags { name }
    } } } }"""

    def check(data, size):
        assert len(data["favorites"]["edges"]) == size

    count_5, count_50 = counts(gql, document, check)
    # 1. the viewer's token, 2. the page (visibility, both viewer flags as EXISTS, owners
    # joined, totalCount as a window), 3. their tags
    assert count_5 == count_50 == 3 + unjoined(1)
