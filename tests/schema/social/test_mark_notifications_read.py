"""markNotificationsRead: `ids` (at most 100, the viewer's own; others' are ignored) or
`all: true`; the answer is the viewer with a fresh unreadNotificationsCount."""

import pytest

from media_graph.models import Notification
from tests.schema.social.notifications import (
    MARK_READ,
    listed,
    mark_read,
    notification_ids,
    unread_count,
)
from tests.support.client import codes
from tests.support.factories import b64, gid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counters_stay_right")]

FOLLOW = "mutation($u: String!) { followUser(input: {username: $u}) { __typename } }"


@pytest.fixture
def followed(client_of, make_user, alice, bob):
    """carol, dave and erin follow alice; carol follows bob: four unread notifications."""
    fans = [make_user(name) for name in ("carol", "dave", "erin")]
    for fan in fans:
        assert client_of(fan).mutate("followUser", FOLLOW, {"u": "alice"})
    assert client_of(fans[0]).mutate("followUser", FOLLOW, {"u": "bob"})
    return fans


def reads(client) -> list[bool]:
    return [n[5] for n in listed(client)]


def test_marking_some_answers_the_viewer_with_the_fresh_count(client_of, alice, followed):
    newest, middle, _oldest = notification_ids(client_of(alice))
    payload = mark_read(client_of(alice), ids=[newest, middle])
    assert payload == {
        "__typename": "User",
        "username": "alice",
        "unreadNotificationsCount": 1,
    }
    assert reads(client_of(alice)) == [True, True, False]
    # Again: already read, nothing changes.
    assert mark_read(client_of(alice), ids=[newest])["unreadNotificationsCount"] == 1


def test_all_marks_every_one_of_the_viewers_only(client_of, alice, bob, followed):
    assert mark_read(client_of(alice), all=True)["unreadNotificationsCount"] == 0
    assert reads(client_of(alice)) == [True, True, True]
    assert unread_count(client_of(bob)) == 1


def test_someone_elses_notification_is_ignored_never_marked(client_of, alice, bob, followed):
    (bobs,) = notification_ids(client_of(bob))
    mine = notification_ids(client_of(alice))[0]
    payload = mark_read(client_of(alice), ids=[bobs, mine])
    assert payload["unreadNotificationsCount"] == 2
    assert reads(client_of(bob)) == [False]
    # The actor of bob's notification (carol) cannot mark it either.
    carol = followed[0]
    assert mark_read(client_of(carol), ids=[bobs])["unreadNotificationsCount"] == 0
    assert reads(client_of(bob)) == [False]


def test_an_empty_list_marks_nothing(client_of, alice, followed):
    assert mark_read(client_of(alice), ids=[])["unreadNotificationsCount"] == 3


@pytest.mark.parametrize(
    "bad_id",
    ["", "nope", b64("Notification:x"), b64("Notification:-1"), gid("Photo", 1), "😀"],
    ids=["empty", "not base64", "not a number", "negative", "another type", "emoji"],
)
def test_malformed_ids_are_invalid_and_mark_nothing(client_of, alice, followed, bad_id):
    good = notification_ids(client_of(alice))[0]
    assert codes(mark_read(client_of(alice), ids=[good, bad_id])) == [("ids", "invalid")]
    assert reads(client_of(alice)) == [False, False, False]


def test_more_than_100_ids_are_invalid(client_of, alice, followed):
    good = notification_ids(client_of(alice))[0]
    ids = [good] + [gid("Notification", 10**6 + i) for i in range(100)]
    assert codes(mark_read(client_of(alice), ids=ids)) == [("ids", "invalid")]
    assert unread_count(client_of(alice)) == 3
    assert mark_read(client_of(alice), ids=ids[:100])["unreadNotificationsCount"] == 2


@pytest.mark.parametrize(
    "given, field",
    [
        ({}, "ids"),
        ({"all": False}, "ids"),
        ({"ids": None}, "ids"),
        ({"all": True, "ids": []}, "all"),
    ],
    ids=["neither", "all false", "ids null", "both"],
)
def test_ids_or_all_exactly_one(client_of, alice, followed, given, field):
    assert codes(mark_read(client_of(alice), **given)) == [(field, "invalid")]
    assert unread_count(client_of(alice)) == 3


def test_anonymous_is_unauthenticated(gql, followed):
    payload = gql.mutate("markNotificationsRead", MARK_READ, {"input": {"all": True}})
    assert codes(payload) == [(None, "unauthenticated")]
    assert not Notification.objects.filter(read=True).exists()


@pytest.mark.parametrize("scopes, allowed", [(["READ"], False), (["SOCIAL"], True)])
def test_an_access_token_needs_social(gql, client_of, alice, followed, scopes, allowed):
    made = client_of(alice).mutate(
        "createAccessToken",
        'mutation($s: [AccessTokenScope!]!) { createAccessToken(input: {name: "ci", '
        "scopes: $s}) { ... on NewAccessToken { token } } }",
        {"s": scopes},
    )
    headers = {"Authorization": f"Bearer {made['token']}"}
    payload = gql.execute(MARK_READ, {"input": {"all": True}}, headers=headers).data
    payload = payload["markNotificationsRead"]
    if allowed:
        assert payload["unreadNotificationsCount"] == 0
    else:
        assert codes(payload) == [(None, "permission_denied")]
        assert unread_count(client_of(alice)) == 3
