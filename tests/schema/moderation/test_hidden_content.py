"""A photo or comment a moderator hid: gone from every list and lookup for everyone but
its author, who still sees it marked HIDDEN (`moderationStatus`, null for others); a
hidden comment is out of its photo's commentsCount; showing it again brings it all back."""

import pytest

from media_graph.services.account_deletion import user_delete
from media_graph.services.comments import comment_add, comment_delete
from media_graph.services.favorites import photo_favorite
from media_graph.services.follows import user_follow
from moderation.services.actions import content_hide, content_unhide
from tests.support.client import captions
from tests.support.factories import gid, make_album, make_photo
from tests.support.query_counts import execute_counted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counters_stay_right")]

PHOTO_FIELDS = "caption moderationStatus"
LISTS = f"""query($photo: ID!, $album: ID!) {{
  photos(first: 50) {{ edges {{ node {{ {PHOTO_FIELDS} }} }} }}
  user(username: "bob") {{ photosCount photos {{ edges {{ node {{ {PHOTO_FIELDS} }} }} }} }}
  tag(name: "sea") {{ photos {{ edges {{ node {{ {PHOTO_FIELDS} }} }} }} }}
  album(id: $album) {{ photosCount photos {{ edges {{ node {{ {PHOTO_FIELDS} }} }} }} }}
  photo(id: $photo) {{ {PHOTO_FIELDS} }}
  node(id: $photo) {{ ... on Photo {{ caption }} }}
}}"""
FEED = f"{{ feed {{ edges {{ node {{ {PHOTO_FIELDS} }} }} }} favorites {{ totalCount }} }}"
COMMENTS = """query($photo: ID!, $comment: ID!) {
  photo(id: $photo) {
    commentsCount
    comments { totalCount edges { node { text moderationStatus } } }
  }
  node(id: $comment) { ... on Comment { text } }
}"""


@pytest.fixture
def moderator(make_user):
    return make_user("mod", is_staff=True, is_superuser=True)


@pytest.fixture
def world(alice, bob, carol):
    """bob's photos (one in a public album, favorited by carol, who follows bob), and a
    comment of alice's and one of carol's on the other."""
    hidden = make_photo(bob, "hidden #sea")
    kept = make_photo(bob, "kept #sea")
    album = make_album(bob, "Public", visibility="PUBLIC", photos=[hidden, kept])
    user_follow(follower=carol, followee=bob)
    photo_favorite(photo=hidden, user=carol)
    spam = comment_add(photo=kept, author=alice, text="spam")
    comment_add(photo=kept, author=carol, text="nice")
    return {"hidden": hidden, "kept": kept, "album": album, "spam": spam}


def lists(client, world) -> dict:
    variables = {
        "photo": gid("Photo", world["hidden"].pk),
        "album": gid("Album", world["album"].pk),
    }
    return client.execute(LISTS, variables, headers=client.headers()).data


def comments(client, world) -> dict:
    variables = {
        "photo": gid("Photo", world["kept"].pk),
        "comment": gid("Comment", world["spam"].pk),
    }
    return client.execute(COMMENTS, variables, headers=client.headers()).data


def test_a_hidden_photo_is_gone_for_others_and_marked_for_its_owner(
    gql, client_of, bob, carol, moderator, world
):
    content_hide(moderator=moderator, subject_kind="PHOTO", subject_id=world["hidden"].pk)
    for client in (client_of(carol), gql):
        seen = lists(client, world)
        assert captions(seen["photos"]) == ["kept #sea"]
        assert captions(seen["user"]["photos"]) == ["kept #sea"]
        assert captions(seen["tag"]["photos"]) == ["kept #sea"]
        assert captions(seen["album"]["photos"]) == ["kept #sea"]
        assert seen["album"]["photosCount"] == 1
        assert seen["photo"] is None and seen["node"] is None
        assert {e["node"]["moderationStatus"] for e in seen["photos"]["edges"]} == {None}
    others_feed = client_of(carol).execute(FEED).data
    assert captions(others_feed["feed"]) == ["kept #sea"]
    assert others_feed["favorites"] == {"totalCount": 0}

    owners = lists(client_of(bob), world)
    marked = {"caption": "hidden #sea", "moderationStatus": "HIDDEN"}
    assert marked in [e["node"] for e in owners["photos"]["edges"]]
    assert marked in [e["node"] for e in owners["user"]["photos"]["edges"]]
    assert owners["photo"] == marked
    assert {"caption": "kept #sea", "moderationStatus": "VISIBLE"} in [
        e["node"] for e in owners["photos"]["edges"]
    ]
    assert marked in [e["node"] for e in client_of(bob).execute(FEED).data["feed"]["edges"]]
    # photosCount keeps it (docs/moderation.md), as it keeps a deactivated owner's.
    assert owners["user"]["photosCount"] == 2

    content_unhide(moderator=moderator, subject_kind="PHOTO", subject_id=world["hidden"].pk)
    again = lists(client_of(carol), world)
    assert captions(again["photos"]) == ["kept #sea", "hidden #sea"]
    assert again["photo"] == {"caption": "hidden #sea", "moderationStatus": None}


def test_a_hidden_comment_is_gone_for_others_marked_for_its_author_and_not_counted(
    gql, client_of, alice, bob, carol, moderator, world
):
    assert comments(gql, world)["photo"]["commentsCount"] == 2
    content_hide(moderator=moderator, subject_kind="COMMENT", subject_id=world["spam"].pk)
    # The photo's owner too; carol sees her own comment's status.
    for client, status in ((client_of(bob), None), (client_of(carol), "VISIBLE"), (gql, None)):
        seen = comments(client, world)
        assert seen["photo"]["commentsCount"] == 1
        assert seen["photo"]["comments"]["totalCount"] == 1
        assert seen["photo"]["comments"]["edges"] == [
            {"node": {"text": "nice", "moderationStatus": status}}
        ]
        assert seen["node"] is None
    authors = comments(client_of(alice), world)
    assert authors["photo"]["comments"]["edges"] == [
        {"node": {"text": "spam", "moderationStatus": "HIDDEN"}},
        {"node": {"text": "nice", "moderationStatus": None}},
    ]
    assert authors["node"] == {"text": "spam"}
    # The photo owner's notification of it no longer shows it.
    notes = client_of(bob).execute("{ notifications { edges { node { kind comment { text } } } } }")
    commented = [
        e["node"]["comment"] for e in notes.data["notifications"]["edges"]
        if e["node"]["kind"] == "COMMENTED"
    ]  # fmt: skip
    assert commented == [{"text": "nice"}, None]  # newest first

    content_hide(moderator=moderator, subject_kind="COMMENT", subject_id=world["spam"].pk)
    assert comments(gql, world)["photo"]["commentsCount"] == 1  # hiding twice counts once
    content_unhide(moderator=moderator, subject_kind="COMMENT", subject_id=world["spam"].pk)
    assert comments(gql, world)["photo"]["commentsCount"] == 2
    assert comments(client_of(alice), world)["photo"]["comments"]["edges"][0] == {
        "node": {"text": "spam", "moderationStatus": "VISIBLE"}
    }


def test_deleting_a_hidden_comment_or_its_authors_account_keeps_the_count(
    alice, bob, carol, moderator, world
):
    content_hide(moderator=moderator, subject_kind="COMMENT", subject_id=world["spam"].pk)
    comment_delete(comment=world["spam"], actor=bob)
    world["kept"].refresh_from_db()
    assert world["kept"].comments_count == 1
    hidden = comment_add(photo=world["kept"], author=carol, text="more spam")
    content_hide(moderator=moderator, subject_kind="COMMENT", subject_id=hidden.pk)
    user_delete(user=carol)
    world["kept"].refresh_from_db()
    assert world["kept"].comments_count == 0  # counters_stay_right checks the rest


def test_moderation_status_costs_no_query_per_photo(client_of, bob):
    for n in range(12):
        make_photo(bob, f"p{n}")
    client = client_of(bob)
    query = "{ photos(first: %d) { edges { node { caption moderationStatus } } } }"
    _, few = execute_counted(client, query % 3)
    data, many = execute_counted(client, query % 12)
    assert len(data["photos"]["edges"]) == 12
    assert few == many
