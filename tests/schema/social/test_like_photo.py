"""likePhoto and unlikePhoto: idempotent, published photos only, fresh counts in the answer."""

import base64

import pytest

from media_graph.models import Like, Photo
from tests.support.client import GraphQLClient, codes
from tests.support.factories import gid, make_photo
from users.models import User

pytestmark = pytest.mark.django_db


def like_mutation(name: str) -> str:
    return f"""
    mutation($photoId: ID!) {{
      {name}(input: {{photoId: $photoId}}) {{
        __typename
        ... on Photo {{ id likesCount viewerHasLiked }}
        ... on OperationInfo {{ messages {{ code field }} }}
      }}
    }}"""


def like(gql, photo_id: str) -> dict:
    return gql.mutate("likePhoto", like_mutation("likePhoto"), {"photoId": photo_id})


def unlike(gql, photo_id: str) -> dict:
    return gql.mutate("unlikePhoto", like_mutation("unlikePhoto"), {"photoId": photo_id})


def likes_count(photo: Photo) -> int:
    photo.refresh_from_db(fields=["likes_count"])
    return photo.likes_count


PHOTO = """
query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  photo(id: $id) {
    likesCount viewerHasLiked
    likes(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { node { username } }
    }
  }
}"""


def photo_with_likes(client: GraphQLClient, photo: Photo, **page) -> dict:
    return client.execute(PHOTO, {"id": gid("Photo", photo.pk), **page}).data["photo"]


def likers(photo_data: dict) -> list[str]:
    return [edge["node"]["username"] for edge in photo_data["likes"]["edges"]]


# --- likePhoto --------------------------------------------------------------------------


def test_like_answers_the_photo_with_fresh_count(gql, login, alice, bobs_photo):
    login(alice)
    photo_id = gid("Photo", bobs_photo.pk)
    assert like(gql, photo_id) == {
        "__typename": "Photo",
        "id": photo_id,
        "likesCount": 1,
        "viewerHasLiked": True,
    }
    assert list(Like.objects.values_list("user__username", "photo_id")) == [
        ("alice", bobs_photo.pk)
    ]
    assert likes_count(bobs_photo) == 1


def test_like_twice_changes_nothing(gql, login, alice, bob, bobs_photo):
    login(alice)
    photo_id = gid("Photo", bobs_photo.pk)
    like(gql, photo_id)
    second = like(gql, photo_id)
    assert (second["likesCount"], second["viewerHasLiked"]) == (1, True)
    assert Like.objects.count() == 1
    assert likes_count(bobs_photo) == 1


def test_counts_every_liker(gql, login, alice, bob, make_user, bobs_photo):
    photo_id = gid("Photo", bobs_photo.pk)
    login(alice)
    like(gql, photo_id)
    login(make_user("carol"))
    assert like(gql, photo_id)["likesCount"] == 2
    login(bob)  # owners may like their own published photos
    assert like(gql, photo_id) == {
        "__typename": "Photo",
        "id": photo_id,
        "likesCount": 3,
        "viewerHasLiked": True,
    }
    assert likes_count(bobs_photo) == 3


def test_unlike_removes_the_like(gql, login, alice, make_user, bobs_photo):
    photo_id = gid("Photo", bobs_photo.pk)
    login(make_user("carol"))
    like(gql, photo_id)
    login(alice)
    like(gql, photo_id)
    assert unlike(gql, photo_id) == {
        "__typename": "Photo",
        "id": photo_id,
        "likesCount": 1,
        "viewerHasLiked": False,
    }
    assert list(Like.objects.values_list("user__username", flat=True)) == ["carol"]
    assert likes_count(bobs_photo) == 1


def test_unlike_twice_or_without_a_like_changes_nothing(gql, login, alice, make_user, bobs_photo):
    photo_id = gid("Photo", bobs_photo.pk)
    login(make_user("carol"))
    like(gql, photo_id)
    login(alice)
    never = unlike(gql, photo_id)
    assert (never["likesCount"], never["viewerHasLiked"]) == (1, False)
    like(gql, photo_id)
    unlike(gql, photo_id)
    again = unlike(gql, photo_id)
    assert (again["likesCount"], again["viewerHasLiked"]) == (1, False)
    assert Like.objects.count() == 1
    assert likes_count(bobs_photo) == 1


def test_own_draft_cannot_be_liked(gql, login, alice):
    draft = make_photo(alice, publish=False)
    login(alice)
    payload = like(gql, gid("Photo", draft.pk))
    assert payload["__typename"] == "OperationInfo", payload
    assert [m["code"] for m in payload["messages"]] == ["invalid"]
    assert Like.objects.count() == 0
    assert likes_count(draft) == 0


def test_someone_elses_draft_is_not_found(gql, login, alice, bob):
    draft = make_photo(bob, publish=False)
    login(alice)
    assert codes(like(gql, gid("Photo", draft.pk))) == [("photoId", "not_found")]
    assert codes(unlike(gql, gid("Photo", draft.pk))) == [("photoId", "not_found")]
    assert Like.objects.count() == 0


def test_photo_of_a_deactivated_owner_is_not_found(gql, login, alice, make_user):
    gone = make_user("gone")
    photo = make_photo(gone)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    login(alice)
    assert codes(like(gql, gid("Photo", photo.pk))) == [("photoId", "not_found")]
    assert Like.objects.count() == 0


@pytest.mark.parametrize(
    "bad_id",
    [
        "nonsense",
        "",
        gid("Photo", 987654),
        gid("Photo", "abc"),
        gid("User", 1),
        gid("Comment", 1),
        base64.b64encode(b"no colon").decode(),
    ],
)
def test_bad_ids_are_not_found(gql, login, alice, bobs_photo, bad_id):
    login(alice)
    assert codes(like(gql, bad_id)) == [("photoId", "not_found")]
    assert codes(unlike(gql, bad_id)) == [("photoId", "not_found")]
    assert Like.objects.count() == 0


def test_anonymous_is_unauthenticated(gql, bobs_photo):
    photo_id = gid("Photo", bobs_photo.pk)
    assert codes(like(gql, photo_id)) == [(None, "unauthenticated")]
    assert codes(unlike(gql, photo_id)) == [(None, "unauthenticated")]
    assert Like.objects.count() == 0
    assert likes_count(bobs_photo) == 0


# --- reading likes ------------------------------------------------------------------------


def test_viewer_has_liked_is_only_the_viewers(gql, login, alice, bob, bobs_photo):
    login(alice)
    like(gql, gid("Photo", bobs_photo.pk))
    clients = {"alice": gql, "bob": GraphQLClient(), "anonymous": GraphQLClient()}
    login(bob, clients["bob"])
    seen = {name: photo_with_likes(client, bobs_photo) for name, client in clients.items()}
    assert {name: (s["likesCount"], s["viewerHasLiked"]) for name, s in seen.items()} == {
        "alice": (1, True),
        "bob": (1, False),
        "anonymous": (1, False),
    }


def test_viewer_has_liked_in_a_list(gql, login, alice, bob):
    """Lists go through the optimizer's annotation; it must agree with the plain path."""
    liked, other = make_photo(bob), make_photo(bob)
    login(alice)
    like(gql, gid("Photo", liked.pk))
    query = """query($owner: String!) { photos(filters: {owner: $owner}) {
      edges { node { id likesCount viewerHasLiked } } } }"""
    edges = gql.execute(query, {"owner": "bob"}).data["photos"]["edges"]
    assert sorted(
        (e["node"]["id"], e["node"]["likesCount"], e["node"]["viewerHasLiked"]) for e in edges
    ) == sorted([(gid("Photo", liked.pk), 1, True), (gid("Photo", other.pk), 0, False)])
    gql.token = None
    edges = gql.execute(query, {"owner": "bob"}).data["photos"]["edges"]
    assert [e["node"]["viewerHasLiked"] for e in edges] == [False, False]


def test_likes_newest_first(gql, login, bob, make_user, bobs_photo):
    fans = [make_user(f"fan{i}") for i in range(5)]
    photo_id = gid("Photo", bobs_photo.pk)
    for fan in (fans[2], fans[0], fans[4], fans[1], fans[3]):
        login(fan)
        like(gql, photo_id)
    # A like on another photo does not show here.
    login(fans[0])
    like(gql, gid("Photo", make_photo(bob).pk))
    gql.token = None
    seen = photo_with_likes(gql, bobs_photo)
    assert likers(seen) == ["fan3", "fan1", "fan4", "fan0", "fan2"]
    assert seen["likes"]["totalCount"] == 5
    assert seen["likesCount"] == 5


def test_likes_pages(gql, login, make_user, bobs_photo):
    photo_id = gid("Photo", bobs_photo.pk)
    for i in range(5):
        login(make_user(f"fan{i}"))
        like(gql, photo_id)
    gql.token = None
    first = photo_with_likes(gql, bobs_photo, first=2)
    assert likers(first) == ["fan4", "fan3"]
    assert (first["likes"]["totalCount"], first["likes"]["pageInfo"]["hasNextPage"]) == (5, True)
    second = photo_with_likes(
        gql, bobs_photo, first=2, after=first["likes"]["pageInfo"]["endCursor"]
    )
    assert likers(second) == ["fan2", "fan1"]
    third = photo_with_likes(
        gql, bobs_photo, first=2, after=second["likes"]["pageInfo"]["endCursor"]
    )
    assert likers(third) == ["fan0"]
    assert third["likes"]["pageInfo"]["hasNextPage"] is False
    last = photo_with_likes(gql, bobs_photo, last=2)
    assert likers(last) == ["fan1", "fan0"]


def test_unliking_leaves_the_list(gql, login, make_user, bobs_photo):
    photo_id = gid("Photo", bobs_photo.pk)
    fans = [make_user(f"fan{i}") for i in range(3)]
    for fan in fans:
        login(fan)
        like(gql, photo_id)
    login(fans[1])
    unlike(gql, photo_id)
    login(fans[0])  # liking again after an unlike makes it the newest like
    unlike(gql, photo_id)
    like(gql, photo_id)
    seen = photo_with_likes(gql, bobs_photo)
    assert likers(seen) == ["fan0", "fan2"]
    assert (seen["likes"]["totalCount"], seen["likesCount"], seen["viewerHasLiked"]) == (
        2,
        2,
        True,
    )
