"""addComment: 1 to 2,200 characters, published photos only, counted; comments oldest first."""

import pytest

from media_graph.models import Comment, Photo
from tests.schema.social.comments import comments_count
from tests.support.client import GraphQLClient, codes
from tests.support.factories import gid, make_photo

pytestmark = pytest.mark.django_db

ADD = """
mutation($photoId: ID!, $text: String!) {
  addComment(input: {photoId: $photoId, text: $text}) {
    __typename
    ... on Comment { id text createdAt author { username } photo { id } }
    ... on OperationInfo { messages { code field } }
  }
}"""


def add(gql, photo_id: str, text: str) -> dict:
    return gql.mutate("addComment", ADD, {"photoId": photo_id, "text": text})


COMMENTS = """
query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  photo(id: $id) {
    commentsCount
    comments(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { node { id text author { username } photo { id } } }
    }
  }
}"""


def photo_with_comments(client: GraphQLClient, photo: Photo, **page) -> dict:
    return client.execute(COMMENTS, {"id": gid("Photo", photo.pk), **page}).data["photo"]


def comment_texts(photo_data: dict) -> list[str]:
    return [edge["node"]["text"] for edge in photo_data["comments"]["edges"]]


def test_add_comment_answers_the_comment(gql, login, alice, bobs_photo):
    login(alice)
    photo_id = gid("Photo", bobs_photo.pk)
    payload = add(gql, photo_id, "Lovely light")
    comment = Comment.objects.get()
    assert payload == {
        "__typename": "Comment",
        "id": gid("Comment", comment.pk),
        "text": "Lovely light",
        "createdAt": payload["createdAt"],
        "author": {"username": "alice"},
        "photo": {"id": photo_id},
    }
    assert payload["createdAt"].startswith(str(comment.created_at.year))
    assert (comment.author, comment.photo, comment.text) == (alice, bobs_photo, "Lovely light")
    assert comments_count(bobs_photo) == 1


def test_the_answer_carries_the_fresh_comments_count(gql, login, alice, bobs_photo):
    """A client's cache takes `photo { commentsCount }` from the payload: it must not be stale."""
    login(alice)
    query = """mutation($photoId: ID!) {
      addComment(input: {photoId: $photoId, text: "one"}) {
        ... on Comment { photo { commentsCount } } } }"""
    variables = {"photoId": gid("Photo", bobs_photo.pk)}
    assert gql.mutate("addComment", query, variables) == {"photo": {"commentsCount": 1}}
    assert gql.mutate("addComment", query, variables) == {"photo": {"commentsCount": 2}}


def test_each_comment_counts(gql, login, alice, bob, bobs_photo):
    photo_id = gid("Photo", bobs_photo.pk)
    login(alice)
    add(gql, photo_id, "first")
    add(gql, photo_id, "first")  # the same words again are a new comment
    login(bob)  # the owner may comment too
    add(gql, photo_id, "thanks")
    assert Comment.objects.count() == 3
    assert comments_count(bobs_photo) == 3
    gql.token = None
    assert photo_with_comments(gql, bobs_photo)["commentsCount"] == 3


@pytest.mark.parametrize("text", ["x", "é" * 2200, "a" * 2199 + "\n", "#tag @who 📷"])
def test_one_to_2200_characters_are_accepted(gql, login, alice, bobs_photo, text):
    login(alice)
    payload = add(gql, gid("Photo", bobs_photo.pk), text)
    assert payload["__typename"] == "Comment", payload
    assert payload["text"] == text.strip()
    assert Comment.objects.get().text == text.strip()
    assert comments_count(bobs_photo) == 1


@pytest.mark.parametrize("text", ["", " ", "  \n\t  ", "a" * 2201, "é" * 2201])
def test_empty_blank_or_too_long_text_is_invalid(gql, login, alice, bobs_photo, text):
    login(alice)
    assert codes(add(gql, gid("Photo", bobs_photo.pk), text)) == [("text", "invalid")]
    assert Comment.objects.count() == 0
    assert comments_count(bobs_photo) == 0


def test_own_draft_cannot_be_commented_on(gql, login, alice):
    draft = make_photo(alice, publish=False)
    login(alice)
    payload = add(gql, gid("Photo", draft.pk), "note to self")
    assert payload["__typename"] == "OperationInfo", payload
    assert [m["code"] for m in payload["messages"]] == ["invalid"]
    assert Comment.objects.count() == 0
    assert comments_count(draft) == 0


def test_someone_elses_draft_is_not_found(gql, login, alice, bob):
    draft = make_photo(bob, publish=False)
    login(alice)
    assert codes(add(gql, gid("Photo", draft.pk), "hello")) == [("photoId", "not_found")]
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "bad_id", ["nonsense", gid("Photo", 987654), gid("User", 1), gid("Comment", 1)]
)
def test_bad_photo_ids_are_not_found(gql, login, alice, bobs_photo, bad_id):
    login(alice)
    assert codes(add(gql, bad_id, "hello")) == [("photoId", "not_found")]
    assert Comment.objects.count() == 0


def test_anonymous_is_unauthenticated(gql, bobs_photo):
    assert codes(add(gql, gid("Photo", bobs_photo.pk), "hello")) == [(None, "unauthenticated")]
    assert Comment.objects.count() == 0
    assert comments_count(bobs_photo) == 0


# --- photo.comments -----------------------------------------------------------------------


def test_comments_oldest_first(gql, login, alice, bob, make_user, bobs_photo):
    carol = make_user("carol")
    photo_id = gid("Photo", bobs_photo.pk)
    for user, text in ((carol, "one"), (alice, "two"), (bob, "three"), (carol, "four")):
        login(user)
        add(gql, photo_id, text)
    login(alice)  # a comment elsewhere does not show here
    add(gql, gid("Photo", make_photo(bob).pk), "elsewhere")
    gql.token = None
    seen = photo_with_comments(gql, bobs_photo)
    assert comment_texts(seen) == ["one", "two", "three", "four"]
    assert [e["node"]["author"]["username"] for e in seen["comments"]["edges"]] == [
        "carol",
        "alice",
        "bob",
        "carol",
    ]
    assert {e["node"]["photo"]["id"] for e in seen["comments"]["edges"]} == {photo_id}
    assert (seen["comments"]["totalCount"], seen["commentsCount"]) == (4, 4)
    ids = [
        gid("Comment", pk)
        for pk in Comment.objects.filter(photo=bobs_photo)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    assert [e["node"]["id"] for e in seen["comments"]["edges"]] == ids


def test_comments_pages(gql, login, alice, bobs_photo):
    login(alice)
    for i in range(5):
        add(gql, gid("Photo", bobs_photo.pk), f"c{i}")
    first = photo_with_comments(gql, bobs_photo, first=2)
    assert comment_texts(first) == ["c0", "c1"]
    page_info = first["comments"]["pageInfo"]
    assert (first["comments"]["totalCount"], page_info["hasNextPage"]) == (5, True)
    second = photo_with_comments(gql, bobs_photo, first=2, after=page_info["endCursor"])
    assert comment_texts(second) == ["c2", "c3"]
    third = photo_with_comments(
        gql, bobs_photo, first=2, after=second["comments"]["pageInfo"]["endCursor"]
    )
    assert comment_texts(third) == ["c4"]
    assert third["comments"]["pageInfo"]["hasNextPage"] is False
    last = photo_with_comments(gql, bobs_photo, last=2)
    assert comment_texts(last) == ["c3", "c4"]
    assert last["comments"]["pageInfo"]["hasPreviousPage"] is True
