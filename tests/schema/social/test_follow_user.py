"""followUser and unfollowUser: idempotent edges, counters on both sides, who follows whom."""

import pytest

from tests.support.client import GraphQLClient, codes
from users.models import Follow, User

pytestmark = pytest.mark.django_db

USER_FIELDS = "username followersCount followingCount viewerIsFollowing followsViewer"


def follow_mutation(name: str) -> str:
    return f"""
    mutation($username: String!) {{
      {name}(input: {{username: $username}}) {{
        __typename
        ... on User {{ {USER_FIELDS} }}
        ... on OperationInfo {{ messages {{ code field }} }}
      }}
    }}"""


def follow(gql, username: str) -> dict:
    return gql.mutate("followUser", follow_mutation("followUser"), {"username": username})


def unfollow(gql, username: str) -> dict:
    return gql.mutate("unfollowUser", follow_mutation("unfollowUser"), {"username": username})


def follow_counts(*users: User) -> list[tuple[int, int]]:
    """(followers_count, following_count) as stored, per user."""
    for user in users:
        user.refresh_from_db(fields=["followers_count", "following_count"])
    return [(u.followers_count, u.following_count) for u in users]


USER = f"query($username: String!) {{ user(username: $username) {{ {USER_FIELDS} }} }}"


def read_user(client: GraphQLClient, username: str) -> dict:
    return client.execute(USER, {"username": username}).data["user"]


CONNECTION = """
query($username: String!, $first: Int, $after: String, $last: Int, $before: String) {
  user(username: $username) {
    %s(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { username } }
    }
  }
}"""


def read_connection(client: GraphQLClient, username: str, name: str, **page) -> dict:
    return client.execute(CONNECTION % name, {"username": username, **page}).data["user"][name]


def names(connection: dict) -> list[str]:
    return [edge["node"]["username"] for edge in connection["edges"]]


# --- followUser -------------------------------------------------------------------------


def test_follow_answers_the_followee_with_fresh_counts(gql, login, alice, bob):
    login(alice)
    assert follow(gql, "bob") == {
        "__typename": "User",
        "username": "bob",
        "followersCount": 1,
        "followingCount": 0,
        "viewerIsFollowing": True,
        "followsViewer": False,
    }
    assert list(Follow.objects.values_list("follower__username", "followee__username")) == [
        ("alice", "bob")
    ]
    assert follow_counts(alice, bob) == [(0, 1), (1, 0)]


@pytest.mark.parametrize("spelling", ["BOB", "Bob", "bOb", "  bob  "])
def test_follow_by_username_in_any_case(gql, login, alice, bob, spelling):
    login(alice)
    payload = follow(gql, spelling)
    assert payload["username"] == "bob"
    assert payload["followersCount"] == 1
    assert Follow.objects.filter(follower=alice, followee=bob).count() == 1


def test_follow_twice_changes_nothing(gql, login, alice, bob):
    login(alice)
    follow(gql, "bob")
    second = follow(gql, "BOB")
    assert second["followersCount"] == 1
    assert second["viewerIsFollowing"] is True
    assert Follow.objects.count() == 1
    assert follow_counts(alice, bob) == [(0, 1), (1, 0)]


def test_following_yourself_is_invalid(gql, login, alice):
    login(alice)
    assert codes(follow(gql, "alice")) == [("username", "invalid")]
    assert codes(follow(gql, "ALICE")) == [("username", "invalid")]
    assert Follow.objects.count() == 0
    assert follow_counts(alice) == [(0, 0)]


def test_unknown_user_is_not_found(gql, login, alice):
    login(alice)
    assert codes(follow(gql, "nobody")) == [("username", "not_found")]
    assert codes(unfollow(gql, "nobody")) == [("username", "not_found")]
    assert codes(follow(gql, "")) == [("username", "not_found")]


def test_deactivated_user_is_not_found(gql, login, alice, make_user):
    gone = make_user("gone", is_active=False)
    login(alice)
    assert codes(follow(gql, "gone")) == [("username", "not_found")]
    assert codes(unfollow(gql, "gone")) == [("username", "not_found")]
    assert Follow.objects.count() == 0
    assert follow_counts(alice, gone) == [(0, 0), (0, 0)]


def test_anonymous_is_unauthenticated(gql, alice, bob):
    assert codes(follow(gql, "bob")) == [(None, "unauthenticated")]
    assert codes(unfollow(gql, "bob")) == [(None, "unauthenticated")]
    assert Follow.objects.count() == 0
    assert follow_counts(alice, bob) == [(0, 0), (0, 0)]


# --- unfollowUser -----------------------------------------------------------------------


def test_unfollow_removes_the_edge_and_uncounts(gql, login, alice, bob):
    login(alice)
    follow(gql, "bob")
    assert unfollow(gql, "Bob") == {
        "__typename": "User",
        "username": "bob",
        "followersCount": 0,
        "followingCount": 0,
        "viewerIsFollowing": False,
        "followsViewer": False,
    }
    assert Follow.objects.count() == 0
    assert follow_counts(alice, bob) == [(0, 0), (0, 0)]


def test_unfollow_twice_or_without_following_changes_nothing(gql, login, alice, bob, carol):
    login(carol)
    follow(gql, "bob")
    login(alice)
    first = unfollow(gql, "bob")  # alice never followed bob: carol's edge stays
    assert (first["followersCount"], first["viewerIsFollowing"]) == (1, False)
    follow(gql, "bob")
    unfollow(gql, "bob")
    again = unfollow(gql, "bob")
    assert (again["followersCount"], again["viewerIsFollowing"]) == (1, False)
    assert list(Follow.objects.values_list("follower__username", flat=True)) == ["carol"]
    assert follow_counts(alice, bob, carol) == [(0, 0), (1, 0), (0, 1)]


def test_unfollowing_yourself_changes_nothing(gql, login, alice, bob):
    login(bob)
    follow(gql, "alice")
    login(alice)
    payload = unfollow(gql, "alice")
    if payload["__typename"] == "User":
        assert (payload["followersCount"], payload["followingCount"]) == (1, 0)
    else:
        assert codes(payload) == [("username", "invalid")]
    assert follow_counts(alice, bob) == [(1, 0), (0, 1)]


# --- what each side sees ------------------------------------------------------------------


def test_counts_and_flags_from_each_side(gql, login, alice, bob, carol):
    clients = {name: GraphQLClient() for name in ("alice", "bob", "anonymous")}
    login(alice, clients["alice"])
    login(bob, clients["bob"])
    follow(clients["alice"], "bob")
    follow(clients["alice"], "carol")
    follow(clients["bob"], "alice")

    # alice follows bob and carol; bob follows alice.
    assert read_user(clients["alice"], "bob") == {
        "username": "bob",
        "followersCount": 1,
        "followingCount": 1,
        "viewerIsFollowing": True,
        "followsViewer": True,
    }
    assert read_user(clients["alice"], "carol") == {
        "username": "carol",
        "followersCount": 1,
        "followingCount": 0,
        "viewerIsFollowing": True,
        "followsViewer": False,
    }
    assert read_user(clients["alice"], "alice") == {
        "username": "alice",
        "followersCount": 1,
        "followingCount": 2,
        "viewerIsFollowing": False,
        "followsViewer": False,
    }
    assert read_user(clients["bob"], "alice") == {
        "username": "alice",
        "followersCount": 1,
        "followingCount": 2,
        "viewerIsFollowing": True,
        "followsViewer": True,
    }
    assert read_user(clients["bob"], "carol") == {
        "username": "carol",
        "followersCount": 1,
        "followingCount": 0,
        "viewerIsFollowing": False,
        "followsViewer": False,
    }
    for username in ("alice", "bob", "carol"):
        seen = read_user(clients["anonymous"], username)
        assert (seen["viewerIsFollowing"], seen["followsViewer"]) == (False, False)
    assert read_user(clients["anonymous"], "alice")["followingCount"] == 2

    # From carol's side: alice follows her, she follows nobody.
    login(carol, clients["anonymous"])
    seen = read_user(clients["anonymous"], "alice")
    assert (seen["viewerIsFollowing"], seen["followsViewer"]) == (False, True)


def test_flags_in_a_list_match_the_single_user(gql, login, alice, bob, carol):
    """The optimizer's annotations (lists) and the plain path (one object) agree."""
    login(carol)
    follow(gql, "alice")
    login(bob)
    follow(gql, "alice")
    login(alice)
    follow(gql, "bob")
    query = f"""
    query {{ user(username: "alice") {{
      followers {{ edges {{ node {{ {USER_FIELDS} }} }} }}
    }} }}"""
    followers = [e["node"] for e in gql.execute(query).data["user"]["followers"]["edges"]]
    assert followers == [
        {
            "username": "bob",
            "followersCount": 1,
            "followingCount": 1,
            "viewerIsFollowing": True,
            "followsViewer": True,
        },
        {
            "username": "carol",
            "followersCount": 0,
            "followingCount": 1,
            "viewerIsFollowing": False,
            "followsViewer": True,
        },
    ]


# --- followers and following --------------------------------------------------------------


@pytest.fixture
def crowd(make_user) -> list[User]:
    return [make_user(f"fan{i}") for i in range(5)]


def test_followers_newest_first_with_total_count(gql, login, alice, bob, crowd):
    for fan in crowd:
        login(fan)
        follow(gql, "bob")
    # A follower who follows someone else too appears once.
    login(crowd[0])
    follow(gql, "alice")
    gql.token = None
    followers = read_connection(gql, "bob", "followers")
    assert names(followers) == ["fan4", "fan3", "fan2", "fan1", "fan0"]
    assert followers["totalCount"] == 5
    assert followers["pageInfo"]["hasNextPage"] is False
    assert names(read_connection(gql, "alice", "followers")) == ["fan0"]


def test_followers_pages(gql, login, bob, crowd):
    for fan in crowd:
        login(fan)
        follow(gql, "bob")
    gql.token = None
    first = read_connection(gql, "bob", "followers", first=2)
    assert names(first) == ["fan4", "fan3"]
    assert first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"] is True
    second = read_connection(gql, "bob", "followers", first=2, after=first["pageInfo"]["endCursor"])
    assert names(second) == ["fan2", "fan1"]
    assert second["pageInfo"]["hasNextPage"] is True
    third = read_connection(gql, "bob", "followers", first=2, after=second["pageInfo"]["endCursor"])
    assert names(third) == ["fan0"]
    assert third["pageInfo"]["hasNextPage"] is False
    last = read_connection(gql, "bob", "followers", last=2)
    assert names(last) == ["fan1", "fan0"]
    assert last["pageInfo"]["hasPreviousPage"] is True


def test_unfollowed_users_leave_the_lists(gql, login, bob, crowd):
    for fan in crowd[:3]:
        login(fan)
        follow(gql, "bob")
    login(crowd[1])
    unfollow(gql, "bob")
    gql.token = None
    followers = read_connection(gql, "bob", "followers")
    assert (names(followers), followers["totalCount"]) == (["fan2", "fan0"], 2)
    following = read_connection(gql, "fan1", "following")
    assert (names(following), following["totalCount"]) == ([], 0)


def test_following_most_recently_followed_first(gql, login, alice, crowd):
    login(alice)
    for username in ("fan2", "fan0", "fan4", "FAN1"):
        follow(gql, username)
    # Others following the same people do not duplicate alice's list.
    login(crowd[3])
    follow(gql, "fan0")
    follow(gql, "fan2")
    gql.token = None
    following = read_connection(gql, "alice", "following")
    assert names(following) == ["fan1", "fan4", "fan0", "fan2"]
    assert following["totalCount"] == 4
    page = read_connection(gql, "alice", "following", first=3)
    assert names(page) == ["fan1", "fan4", "fan0"]
    rest = read_connection(gql, "alice", "following", first=3, after=page["pageInfo"]["endCursor"])
    assert names(rest) == ["fan2"]
    assert rest["pageInfo"]["hasNextPage"] is False
