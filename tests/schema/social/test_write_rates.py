"""Per-actor write rates (project/rates.py): past one, the payload answers `rate_limited`,
no row is written and every counter agrees with its edges. A repeat that changes nothing
costs nothing; a store that cannot count refuses (fail closed)."""

import time

import pytest

from media_graph.models import AlbumMember, Comment, Like
from media_graph.models.albums import MAX_ALBUM_MEMBERS
from project import rates
from tests.support.client import codes
from tests.support.factories import gid, make_album, make_photo
from tests.support.ports import free_port
from users.models import AccessToken, Follow, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counters_stay_right")]

FOLLOW = """mutation($u: String!) { followUser(input: {username: $u}) {
  __typename ... on OperationInfo { messages { code field message } } } }"""
LIKE = """mutation($p: ID!) { likePhoto(input: {photoId: $p}) {
  __typename ... on OperationInfo { messages { code field message } } } }"""
COMMENT = """mutation($p: ID!) { addComment(input: {photoId: $p, text: "Nice"}) {
  __typename ... on OperationInfo { messages { code field message } } } }"""
ADD_MEMBER = """mutation($a: ID!, $u: String!, $r: AlbumRole!) {
  addAlbumMember(input: {albumId: $a, username: $u, role: $r}) {
  __typename ... on OperationInfo { messages { code field message } } } }"""
CREATE_TOKEN = """mutation { createAccessToken(input: {name: "ci", scopes: [READ]}) {
  __typename ... on OperationInfo { messages { code field message } } } }"""


def answer(client, document, **variables):
    return next(iter(client.execute(document, variables).data.values()))


def refused(payload) -> bool:
    return payload["__typename"] == "OperationInfo" and codes(payload) == [(None, "rate_limited")]


@pytest.fixture
def people(make_user):
    return [make_user(f"user{n}") for n in range(4)]


def test_follows_past_the_rate_are_refused_and_write_nothing(client_of, alice, people, settings):
    settings.RATE_FOLLOWS_PER_HOUR = 2
    alice_client = client_of(alice)
    assert answer(alice_client, FOLLOW, u="user0")["__typename"] == "User"
    assert answer(alice_client, FOLLOW, u="user0")["__typename"] == "User"  # a repeat: free
    assert answer(alice_client, FOLLOW, u="user1")["__typename"] == "User"
    payload = answer(alice_client, FOLLOW, u="user2")
    assert refused(payload)
    assert "followed too many people in the last hour" in payload["messages"][0]["message"]
    assert Follow.objects.filter(follower=alice).count() == 2
    assert User.objects.get(pk=alice.pk).following_count == 2
    # The rate is the actor's: another person follows as before.
    assert answer(client_of(people[3]), FOLLOW, u="user2")["__typename"] == "User"


def test_a_repeated_like_costs_nothing_and_likes_past_the_rate_are_refused(
    client_of, alice, bob, settings
):
    settings.RATE_LIKES_PER_HOUR = 2
    photos = [gid("Photo", make_photo(bob, f"p{n}").pk) for n in range(3)]
    alice_client = client_of(alice)
    for photo in (photos[0], photos[0], photos[0], photos[1]):
        assert answer(alice_client, LIKE, p=photo)["__typename"] == "Photo"
    assert refused(answer(alice_client, LIKE, p=photos[2]))
    assert Like.objects.filter(user=alice).count() == 2
    # Liking again what is liked already still answers the photo, at the limit too.
    assert answer(alice_client, LIKE, p=photos[0])["__typename"] == "Photo"


def test_comments_past_the_rate_are_refused(client_of, alice, bob, settings):
    settings.RATE_COMMENTS_PER_HOUR = 2
    photo = gid("Photo", make_photo(bob, "p").pk)
    alice_client = client_of(alice)
    assert [answer(alice_client, COMMENT, p=photo)["__typename"] for _ in range(2)] == [
        "Comment",
        "Comment",
    ]
    assert refused(answer(alice_client, COMMENT, p=photo))
    assert Comment.objects.filter(author=alice).count() == 2


def test_access_tokens_past_the_rate_are_refused(client_of, alice, settings):
    settings.RATE_ACCESS_TOKENS_PER_HOUR = 2
    alice_client = client_of(alice)
    assert [answer(alice_client, CREATE_TOKEN)["__typename"] for _ in range(2)] == [
        "NewAccessToken",
        "NewAccessToken",
    ]
    assert refused(answer(alice_client, CREATE_TOKEN))
    assert AccessToken.objects.filter(user=alice).count() == 2


def test_album_members_past_the_rate_are_refused_and_a_role_change_is_free(
    client_of, alice, people, settings
):
    settings.RATE_ALBUM_MEMBERS_PER_HOUR = 2
    album = gid("Album", make_album(alice).pk)
    alice_client = client_of(alice)
    for name in ("user0", "user1"):
        assert answer(alice_client, ADD_MEMBER, a=album, u=name, r="VIEWER")["__typename"] == (
            "Album"
        )
    assert refused(answer(alice_client, ADD_MEMBER, a=album, u="user2", r="VIEWER"))
    assert answer(alice_client, ADD_MEMBER, a=album, u="user0", r="EDITOR")["__typename"] == (
        "Album"
    )
    assert sorted(AlbumMember.objects.values_list("user__username", "role")) == [
        ("user0", "EDITOR"),
        ("user1", "VIEWER"),
    ]


def test_an_album_holds_at_most_its_member_cap_checked_before_the_rate(client_of, alice, settings):
    owned = make_album(alice)
    extra = User.objects.bulk_create(
        User(username=f"member{n}", email=f"m{n}@example.com") for n in range(MAX_ALBUM_MEMBERS + 1)
    )
    AlbumMember.objects.bulk_create(
        AlbumMember(album=owned, user=user, role="VIEWER") for user in extra[:MAX_ALBUM_MEMBERS]
    )
    settings.RATE_ALBUM_MEMBERS_PER_HOUR = 0  # the cap answers first
    last = extra[MAX_ALBUM_MEMBERS].username
    payload = answer(client_of(alice), ADD_MEMBER, a=gid("Album", owned.pk), u=last, r="VIEWER")
    assert codes(payload) == [("username", "invalid")]
    assert AlbumMember.objects.filter(album=owned).count() == MAX_ALBUM_MEMBERS
    # A member already in it may still change role at the cap.
    payload = answer(
        client_of(alice), ADD_MEMBER, a=gid("Album", owned.pk), u="member0", r="EDITOR"
    )
    assert payload["__typename"] == "Album"


def test_fifteen_requests_of_seven_follow_and_unfollow_aliases_hold_the_rate(client_of, alice, bob):
    pairs = " ".join(
        f'f{n}: followUser(input: {{username: "bob"}}) {{ __typename '
        f"... on OperationInfo {{ messages {{ code }} }} }} "
        f'u{n}: unfollowUser(input: {{username: "bob"}}) {{ __typename }}'
        for n in range(7)
    )
    alice_client = client_of(alice)
    followed = limited = 0
    for _ in range(15):
        data = alice_client.execute(f"mutation {{ {pairs} }}").data
        for n in range(7):
            follow = data[f"f{n}"]
            if follow["__typename"] == "User":
                followed += 1
            else:
                assert follow["messages"] == [{"code": "rate_limited"}]
                limited += 1
    assert (followed, limited) == (100, 5)
    assert not Follow.objects.exists()


def test_a_store_that_cannot_count_refuses_the_write(client_of, alice, bob, settings):
    alice_client = client_of(alice)  # signs in on the working store
    settings.CACHES = {
        **settings.CACHES,
        "throttles": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
        },
    }
    # The budget, in the same store, would refuse the operation itself first (fail
    # closed: tests/schema/server/test_budget.py); the write's own rate is tested here.
    settings.GRAPHQL_BUDGET_MAX = 0
    assert refused(answer(alice_client, FOLLOW, u="bob"))
    assert not Follow.objects.exists()


def test_the_window_slides_the_previous_hour_still_weighs(monkeypatch, settings):
    settings.RATE_REPORTS_PER_HOUR = 10
    start = (int(time.time()) // 3600 + 1) * 3600 + 1800  # half into an hour
    monkeypatch.setattr(rates.time, "time", lambda: start)
    for _ in range(10):
        rates.take(rates.REPORTS, "someone")
    with pytest.raises(rates.RateLimited):
        rates.take(rates.REPORTS, "someone")
    # Into the next hour by a quarter: 10 x 3/4 of the last one still counts.
    monkeypatch.setattr(rates.time, "time", lambda: start + 2700)
    for _ in range(2):
        rates.take(rates.REPORTS, "someone")
    with pytest.raises(rates.RateLimited) as refusal:
        rates.take(rates.REPORTS, "someone")
    assert refusal.value.retry_after > 0
