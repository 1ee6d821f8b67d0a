"""deleteComment: the author or the photo's owner; anyone else is refused and nothing changes."""

import pytest

from media_graph.models import Comment, Photo
from media_graph.services.comments import comment_add
from media_graph.services.photos import photo_unpublish
from tests.schema.social.comments import comments_count
from tests.support.client import codes
from tests.support.factories import gid, make_photo

pytestmark = pytest.mark.django_db

DELETE = """
mutation($id: ID!) {
  deleteComment(input: {id: $id}) {
    __typename
    ... on DeletedNode { id }
    ... on OperationInfo { messages { code field } }
  }
}"""


def delete(gql, comment_id: str) -> dict:
    return gql.mutate("deleteComment", DELETE, {"id": comment_id})


COMMENTS = """query($id: ID!) { photo(id: $id) {
  commentsCount comments { totalCount edges { node { id text } } } } }"""


def read_comments(gql, photo: Photo) -> dict:
    return gql.execute(COMMENTS, {"id": gid("Photo", photo.pk)}).data["photo"]


@pytest.fixture
def comments(bobs_photo, alice, carol) -> dict[str, Comment]:
    """alice's comment on bob's photo, between two of carol's."""
    return {
        "carol1": comment_add(photo=bobs_photo, author=carol, text="before"),
        "alice": comment_add(photo=bobs_photo, author=alice, text="mine"),
        "carol2": comment_add(photo=bobs_photo, author=carol, text="after"),
    }


def test_the_author_deletes_their_comment(gql, login, alice, bobs_photo, comments):
    assert comments_count(bobs_photo) == 3
    login(alice)
    comment_id = gid("Comment", comments["alice"].pk)
    assert delete(gql, comment_id) == {"__typename": "DeletedNode", "id": comment_id}
    assert not Comment.objects.filter(pk=comments["alice"].pk).exists()
    assert comments_count(bobs_photo) == 2
    seen = read_comments(gql, bobs_photo)
    assert [e["node"]["text"] for e in seen["comments"]["edges"]] == ["before", "after"]
    assert (seen["commentsCount"], seen["comments"]["totalCount"]) == (2, 2)


def test_the_photos_owner_deletes_anyones_comment(gql, login, bob, bobs_photo, comments):
    login(bob)
    for key in ("carol2", "alice"):
        comment_id = gid("Comment", comments[key].pk)
        assert delete(gql, comment_id) == {"__typename": "DeletedNode", "id": comment_id}
    assert list(Comment.objects.values_list("text", flat=True)) == ["before"]
    assert comments_count(bobs_photo) == 1
    assert read_comments(gql, bobs_photo)["commentsCount"] == 1


def test_anyone_else_is_refused(gql, login, alice, carol, make_user, bobs_photo, comments):
    dave = make_user("dave")
    login(dave)
    comment_id = gid("Comment", comments["alice"].pk)
    assert codes(delete(gql, comment_id)) == [(None, "permission_denied")]
    # Another commenter on the same photo is not its author either.
    login(carol)
    assert codes(delete(gql, comment_id)) == [(None, "permission_denied")]
    assert Comment.objects.count() == 3
    assert comments_count(bobs_photo) == 3
    assert read_comments(gql, bobs_photo)["commentsCount"] == 3


def test_owning_another_photo_gives_no_right(gql, login, alice, bobs_photo, comments):
    bobs_comment_on_alices = comment_add(
        photo=make_photo(alice), author=bobs_photo.owner, text="nice"
    )
    login(alice)  # alice owns photos, but not bob's photo: carol's comment there is not hers
    assert codes(delete(gql, gid("Comment", comments["carol1"].pk))) == [
        (None, "permission_denied")
    ]
    assert Comment.objects.filter(pk=comments["carol1"].pk).exists()
    assert delete(gql, gid("Comment", bobs_comment_on_alices.pk))["__typename"] == "DeletedNode"


def test_deleting_twice_is_not_found(gql, login, alice, bobs_photo, comments):
    login(alice)
    comment_id = gid("Comment", comments["alice"].pk)
    delete(gql, comment_id)
    assert codes(delete(gql, comment_id)) == [("id", "not_found")]
    assert comments_count(bobs_photo) == 2


@pytest.mark.parametrize(
    "bad_id", ["nonsense", gid("Comment", 987654), gid("Comment", "x"), gid("User", 1)]
)
def test_bad_ids_are_not_found(gql, login, alice, bobs_photo, comments, bad_id):
    login(alice)
    assert codes(delete(gql, bad_id)) == [("id", "not_found")]
    assert Comment.objects.count() == 3


def test_a_photo_id_is_not_a_comment_id(gql, login, bob, bobs_photo, comments):
    login(bob)
    assert codes(delete(gql, gid("Photo", bobs_photo.pk))) == [("id", "not_found")]
    assert Comment.objects.count() == 3
    assert Photo.objects.filter(pk=bobs_photo.pk).exists()


def test_anonymous_is_unauthenticated(gql, bobs_photo, comments):
    assert codes(delete(gql, gid("Comment", comments["alice"].pk))) == [(None, "unauthenticated")]
    assert Comment.objects.count() == 3
    assert comments_count(bobs_photo) == 3


def test_comments_on_a_photo_gone_back_to_draft(gql, login, alice, bob, bobs_photo, comments):
    """Hidden with the photo: `not_found` for the author; its owner still sees and deletes it."""
    photo_unpublish(photo=bobs_photo, actor=bob)
    comment_id = gid("Comment", comments["alice"].pk)
    login(alice)
    assert codes(delete(gql, comment_id)) == [("id", "not_found")]
    assert Comment.objects.count() == 3
    login(bob)
    assert delete(gql, comment_id) == {"__typename": "DeletedNode", "id": comment_id}
    assert comments_count(bobs_photo) == 2
