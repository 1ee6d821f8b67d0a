"""Notifications through HTTP: what follows, likes and comments write, who sees them, in
what order, and what undoing the edge removes. Mutations run as each user's own client;
the list is read as the recipient, the actor, a stranger and anonymously.
"""

import pytest

from media_graph.models import Notification
from tests.schema.social.notifications import (
    ME,
    NOTIFICATIONS,
    listed,
    mark_read,
    unread_count,
)
from tests.support.client import GraphQLClient
from tests.support.factories import gid, make_photo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counters_stay_right")]

FOLLOW = "mutation($u: String!) { followUser(input: {username: $u}) { __typename } }"
UNFOLLOW = "mutation($u: String!) { unfollowUser(input: {username: $u}) { __typename } }"
LIKE = "mutation($p: ID!) { likePhoto(input: {photoId: $p}) { __typename } }"
UNLIKE = "mutation($p: ID!) { unlikePhoto(input: {photoId: $p}) { __typename } }"
COMMENT = """mutation($p: ID!, $t: String!) {
  addComment(input: {photoId: $p, text: $t}) { ... on Comment { id } } }"""
DELETE_COMMENT = "mutation($id: ID!) { deleteComment(input: {id: $id}) { __typename } }"
UNPUBLISH = "mutation($id: ID!) { unpublishPhoto(input: {id: $id}) { __typename } }"


def run(client: GraphQLClient, document: str, **variables) -> dict:
    return client.execute(document, variables).data


@pytest.fixture
def carol(make_user):
    return make_user("carol")


@pytest.fixture
def sunset(bob):
    return make_photo(bob, "sunset")


def test_a_follow_notifies_the_followee_only(client_of, alice, bob, carol):
    run(client_of(alice), FOLLOW, u="bob")
    assert listed(client_of(bob)) == [("FOLLOWED", "alice", None, None, None, False)]
    assert unread_count(client_of(bob)) == 1
    # The actor and a stranger see nothing of it.
    assert listed(client_of(alice)) == []
    assert listed(client_of(carol)) == []
    assert unread_count(client_of(alice)) == 0


def test_anonymous_readers_are_unauthenticated(gql, alice, bob):
    response = gql.execute(NOTIFICATIONS)
    assert response.error_codes == ["UNAUTHENTICATED"]
    assert response.body["data"] is None
    user = gql.execute('{ user(username: "bob") { unreadNotificationsCount emailNotifications } }')
    assert user.data["user"] == {"unreadNotificationsCount": None, "emailNotifications": None}


def test_counts_and_settings_are_the_viewers_own_only(client_of, alice, bob):
    run(client_of(alice), FOLLOW, u="bob")
    query = '{ user(username: "bob") { unreadNotificationsCount emailNotifications } }'
    assert run(client_of(alice), query)["user"] == {
        "unreadNotificationsCount": None,
        "emailNotifications": None,
    }
    assert run(client_of(bob), query)["user"] == {
        "unreadNotificationsCount": 1,
        "emailNotifications": True,
    }
    assert run(client_of(bob), ME)["me"] == {
        "username": "bob",
        "unreadNotificationsCount": 1,
        "emailNotifications": True,
    }


def test_following_twice_notifies_once_and_unfollowing_removes_the_unread_one(
    client_of, alice, bob
):
    run(client_of(alice), FOLLOW, u="bob")
    run(client_of(alice), FOLLOW, u="BOB")
    assert len(listed(client_of(bob))) == 1
    run(client_of(alice), UNFOLLOW, u="bob")
    assert listed(client_of(bob)) == []
    assert Notification.objects.count() == 0


def test_a_read_notification_outlives_the_undone_edge(client_of, alice, bob, sunset):
    run(client_of(alice), FOLLOW, u="bob")
    run(client_of(alice), LIKE, p=gid("Photo", sunset.pk))
    mark_read(client_of(bob), all=True)
    run(client_of(alice), UNFOLLOW, u="bob")
    run(client_of(alice), UNLIKE, p=gid("Photo", sunset.pk))
    assert listed(client_of(bob)) == [
        ("LIKED", "alice", "sunset", None, None, True),
        ("FOLLOWED", "alice", None, None, None, True),
    ]
    # Following again is news again.
    run(client_of(alice), FOLLOW, u="bob")
    assert listed(client_of(bob), unreadOnly=True) == [
        ("FOLLOWED", "alice", None, None, None, False)
    ]


def test_a_like_notifies_the_photo_owner_and_an_unlike_withdraws_it(
    client_of, alice, bob, carol, sunset
):
    run(client_of(alice), LIKE, p=gid("Photo", sunset.pk))
    run(client_of(alice), LIKE, p=gid("Photo", sunset.pk))  # idempotent: no second one
    assert listed(client_of(bob)) == [("LIKED", "alice", "sunset", None, None, False)]
    assert listed(client_of(alice)) == listed(client_of(carol)) == []
    run(client_of(alice), UNLIKE, p=gid("Photo", sunset.pk))
    assert listed(client_of(bob)) == []


def test_a_comment_notifies_the_photo_owner_until_it_is_deleted(client_of, alice, bob, sunset):
    photo = gid("Photo", sunset.pk)
    first = run(client_of(alice), COMMENT, p=photo, t="lovely")["addComment"]["id"]
    second = run(client_of(alice), COMMENT, p=photo, t="again")["addComment"]["id"]
    assert listed(client_of(bob)) == [
        ("COMMENTED", "alice", "sunset", "again", None, False),
        ("COMMENTED", "alice", "sunset", "lovely", None, False),
    ]
    run(client_of(alice), DELETE_COMMENT, id=second)  # by its author
    run(client_of(bob), DELETE_COMMENT, id=first)  # by the photo's owner
    assert listed(client_of(bob)) == []


def test_a_deleted_comment_leaves_a_read_notification_without_it(client_of, alice, bob, sunset):
    comment = run(client_of(alice), COMMENT, p=gid("Photo", sunset.pk), t="hi")["addComment"]
    mark_read(client_of(bob), all=True)
    run(client_of(alice), DELETE_COMMENT, id=comment["id"])
    assert listed(client_of(bob)) == [("COMMENTED", "alice", "sunset", None, None, True)]


def test_your_own_likes_and_comments_notify_nobody(client_of, bob, sunset):
    run(client_of(bob), LIKE, p=gid("Photo", sunset.pk))
    run(client_of(bob), COMMENT, p=gid("Photo", sunset.pk), t="mine")
    assert listed(client_of(bob)) == []
    assert Notification.objects.count() == 0


def test_a_comment_seen_by_nobody_else_anymore_is_null(client_of, alice, bob, carol, sunset):
    """The recipient owns the photo, so it stays theirs to see as a draft; a deactivated
    actor's notifications vanish with the actor."""
    run(client_of(alice), COMMENT, p=gid("Photo", sunset.pk), t="hi")
    run(client_of(carol), LIKE, p=gid("Photo", sunset.pk))
    run(client_of(bob), UNPUBLISH, id=gid("Photo", sunset.pk))
    assert [n[:4] for n in listed(client_of(bob))] == [
        ("LIKED", "carol", "sunset", None),
        ("COMMENTED", "alice", "sunset", "hi"),
    ]
    carol.is_active = False
    carol.save(update_fields=["is_active"])
    assert [n[:2] for n in listed(client_of(bob))] == [("COMMENTED", "alice")]
    assert unread_count(client_of(bob)) == 1


def test_newest_first_unread_only_and_pages(client_of, make_user, bob):
    fans = [make_user(f"fan{i}") for i in range(5)]
    for fan in fans:
        run(client_of(fan), FOLLOW, u="bob")
    ids = [n[1] for n in listed(client_of(bob))]
    assert ids == ["fan4", "fan3", "fan2", "fan1", "fan0"]
    page = client_of(bob).execute(NOTIFICATIONS, {"first": 2}).data["notifications"]
    assert page["totalCount"] == 5 and page["pageInfo"]["hasNextPage"]
    rest = listed(client_of(bob), first=10, after=page["pageInfo"]["endCursor"])
    assert [n[1] for n in rest] == ["fan2", "fan1", "fan0"]
    newest = client_of(bob).execute(NOTIFICATIONS, {"first": 1}).data["notifications"]
    mark_read(client_of(bob), ids=[newest["edges"][0]["node"]["id"]])
    assert [n[1] for n in listed(client_of(bob), unreadOnly=True)] == ids[1:]
    assert [n[1] for n in listed(client_of(bob), unreadOnly=False)] == ids
    assert unread_count(client_of(bob)) == 4


@pytest.mark.parametrize(
    "variables",
    [{"first": 101}, {"first": -1}, {"after": "not-a-cursor"}, {"unreadOnly": "yes"}],
    ids=["first>100", "first<0", "bad cursor", "not a boolean"],
)
def test_bad_arguments_are_bad_user_input(client_of, bob, variables):
    response = client_of(bob).execute(NOTIFICATIONS, variables)
    assert set(response.error_codes) <= {"BAD_USER_INPUT"}, response.body


def test_a_token_without_read_cannot_list_them(gql, client_of, alice, bob):
    run(client_of(alice), FOLLOW, u="bob")
    made = client_of(bob).mutate(
        "createAccessToken",
        'mutation { createAccessToken(input: {name: "ci", scopes: [SOCIAL]}) '
        "{ ... on NewAccessToken { token } } }",
    )
    headers = {"Authorization": f"Bearer {made['token']}"}
    assert gql.execute(NOTIFICATIONS, headers=headers).error_codes == ["UNAUTHENTICATED"]
    assert gql.execute(ME, headers=headers).data["me"] is None


def test_a_notification_is_a_node_to_its_recipient_only(gql, client_of, alice, bob, carol):
    run(client_of(alice), FOLLOW, u="bob")
    (notification_id,) = [n["node"]["id"] for n in _edges(client_of(bob))]
    query = "query($id: ID!) { node(id: $id) { id ... on Notification { kind } } }"
    assert run(client_of(bob), query, id=notification_id)["node"] == {
        "id": notification_id,
        "kind": "FOLLOWED",
    }
    for reader in (client_of(alice), client_of(carol), gql):  # actor, stranger, anonymous
        assert run(reader, query, id=notification_id)["node"] is None


def _edges(client) -> list[dict]:
    return client.execute(NOTIFICATIONS).data["notifications"]["edges"]


def test_a_page_of_pages_under_notifications_costs_too_much(client_of, bob):
    document = """{ notifications(first: 100) { edges { node {
      actor { photos(first: 100) { edges { node { caption } } } } } } } }"""
    response = client_of(bob).execute(document)
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    # 100 notifications, each with an actor and a page of 100 photos.
    assert "up to 20,401 objects" in response.errors[0]["message"]
