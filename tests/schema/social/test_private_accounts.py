"""Private accounts: what an approved follower, someone else, an album member and an
anonymous client see, field by field; follow requests, approvals, declines and their
notifications; turning private and public again; the follow rate."""

import pytest

from media_graph.models import Notification
from media_graph.services import album_members, follow_requests, follows
from tests.support.client import codes
from tests.support.factories import gid, make_album, make_photo
from users.models import Follow, FollowRequest, User

pytestmark = pytest.mark.django_db

PROFILE = """query($u: String!) { user(username: $u) {
  username displayName bio isPrivate followersCount followingCount photosCount
  viewerIsFollowing viewerFollowRequested
  photos { totalCount edges { node { caption } } }
  albums { edges { node { title } } }
  followers { edges { node { username } } }
  following { edges { node { username } } }
} }"""
PHOTO = "query($id: ID!) { photo(id: $id) { caption } }"
ALBUM = "query($id: ID!) { album(id: $id) { title } }"
TAGGED = '{ tag(name: "quiet") { photos { edges { node { caption } } } } }'
SEARCH = '{ photos(filters: {search: "quiet"}) { edges { node { caption } } } }'


def follow_mutation(name: str) -> str:
    return f"""mutation($u: String!) {{ {name}(input: {{username: $u}}) {{
      __typename ... on User {{ username viewerIsFollowing viewerFollowRequested
        followersCount followingCount }}
      ... on OperationInfo {{ messages {{ code field }} }} }} }}"""


def act(client, name: str, username: str) -> dict:
    return client.execute(follow_mutation(name), {"u": username}).data[name]


@pytest.fixture
def pat(make_user):
    """A private account with a follower (fay), an album member (amy), a public album, a
    photo in it, and an album shared with amy."""
    pat, fay, amy = make_user("pat"), make_user("fay"), make_user("amy")
    make_user("ned")  # nobody to pat
    follows.user_follow(follower=fay, followee=pat)
    follows.user_follow(follower=pat, followee=fay)
    follow_requests.user_set_private(user=pat, is_private=True)
    photo = make_photo(pat, "a #quiet morning")
    make_album(pat, "public album", visibility="PUBLIC", photos=[photo])
    shared = make_album(pat, "for amy", photos=[photo])
    album_members.album_member_add(album=shared, actor=pat, user=amy, role="VIEWER")
    return pat


def seen_by(client, pat) -> dict:
    photo = pat.photos.get()
    album = pat.albums.get(title="public album")
    profile = client.execute(PROFILE, {"u": "pat"}).data["user"]
    return {
        "profile": profile,
        "photo": client.execute(PHOTO, {"id": gid("Photo", photo.pk)}).data["photo"],
        "album": client.execute(ALBUM, {"id": gid("Album", album.pk)}).data["album"],
        "tag": client.execute(TAGGED).data["tag"],
        "search": client.execute(SEARCH).data["photos"]["edges"],
    }


def profile(follows_pat: bool, **lists) -> dict:
    return {
        "username": "pat",
        "displayName": "Pat",
        "bio": "",
        "isPrivate": True,
        "followersCount": 1,
        "followingCount": 1,
        "photosCount": 1,
        "viewerIsFollowing": follows_pat,
        "viewerFollowRequested": False,
        **lists,
    }


SHARED_LISTS = {
    "photos": {"totalCount": 1, "edges": [{"node": {"caption": "a #quiet morning"}}]},
    "albums": {"edges": [{"node": {"title": "public album"}}]},
    "followers": {"edges": [{"node": {"username": "fay"}}]},
    "following": {"edges": [{"node": {"username": "fay"}}]},
}
NOTHING = {
    "photos": {"totalCount": 0, "edges": []},
    "albums": {"edges": []},
    "followers": {"edges": []},
    "following": {"edges": []},
}


@pytest.mark.parametrize("who", ["fay", "amy", "pat"])
def test_follower_member_and_owner_see_everything(client_of, pat, who):
    seen = seen_by(client_of(User.objects.get(username=who)), pat)
    lists = dict(SHARED_LISTS)
    if who == "amy":  # the album shared with her too
        lists["albums"] = {"edges": [{"node": {"title": "for amy"}}, *lists["albums"]["edges"]]}
    if who == "pat":
        lists["albums"] = {"edges": [{"node": {"title": "for amy"}}, *lists["albums"]["edges"]]}
    expected = profile(who == "fay", **lists)
    if who == "pat":
        expected["viewerIsFollowing"] = False
    assert seen["profile"] == expected
    assert seen["photo"] == {"caption": "a #quiet morning"}
    assert seen["album"] == {"title": "public album"}
    assert seen["tag"] == {"photos": {"edges": [{"node": {"caption": "a #quiet morning"}}]}}
    assert seen["search"] == [{"node": {"caption": "a #quiet morning"}}]


@pytest.mark.parametrize("who", ["ned", None])
def test_others_and_anonymous_see_the_profile_only(gql, client_of, pat, who):
    client = client_of(User.objects.get(username=who)) if who else gql
    seen = seen_by(client, pat)
    assert seen["profile"] == profile(False, **NOTHING)
    assert seen["photo"] is None
    assert seen["album"] is None
    assert seen["tag"] == {"photos": {"edges": []}}
    assert seen["search"] == []


def test_following_a_private_account_asks_and_the_owner_approves(client_of, pat):
    ned = User.objects.get(username="ned")
    asked = act(client_of(ned), "followUser", "pat")
    assert asked == {
        "__typename": "User",
        "username": "pat",
        "viewerIsFollowing": False,
        "viewerFollowRequested": True,
        "followersCount": 1,
        "followingCount": 1,
    }
    assert act(client_of(ned), "followUser", "pat") == asked  # idempotent
    news = Notification.objects.filter(recipient=pat).exclude(kind="FOLLOWED")
    assert list(news.values_list("kind", "actor")) == [("FOLLOW_REQUESTED", ned.pk)]
    requests = "{ me { followRequests { edges { node { username } } } } }"
    assert client_of(pat).execute(requests).data["me"]["followRequests"] == {
        "edges": [{"node": {"username": "ned"}}]
    }
    approved = act(client_of(pat), "approveFollowRequest", "ned")
    assert approved["username"] == "ned" and approved["followingCount"] == 1
    assert Follow.objects.filter(follower=ned, followee=pat).exists()
    assert not FollowRequest.objects.exists()
    assert list(Notification.objects.filter(recipient=ned).values_list("kind", "actor")) == [
        ("FOLLOW_ACCEPTED", pat.pk)
    ]
    # The unread request went with it.
    assert not Notification.objects.filter(kind="FOLLOW_REQUESTED").exists()
    seen = client_of(ned).execute(PROFILE, {"u": "pat"}).data["user"]
    assert seen["viewerIsFollowing"] is True and seen["followersCount"] == 2
    assert seen["photos"]["totalCount"] == 1


def test_decline_and_unfollow_withdraw_the_request(client_of, pat):
    ned = User.objects.get(username="ned")
    act(client_of(ned), "followUser", "pat")
    declined = act(client_of(pat), "declineFollowRequest", "ned")
    assert declined["__typename"] == "User"
    assert not FollowRequest.objects.exists()
    assert not Notification.objects.filter(kind="FOLLOW_REQUESTED").exists()
    assert not Follow.objects.filter(follower=ned).exists()
    act(client_of(ned), "followUser", "pat")
    assert act(client_of(ned), "unfollowUser", "pat")["viewerFollowRequested"] is False
    assert not FollowRequest.objects.exists()


@pytest.mark.parametrize("name", ["approveFollowRequest", "declineFollowRequest"])
def test_answering_a_request_that_does_not_exist_is_not_found(client_of, gql, pat, name):
    assert codes(act(client_of(pat), name, "ned")) == [("username", "not_found")]
    assert codes(act(client_of(pat), name, "nobody")) == [("username", "not_found")]
    assert codes(act(client_of(pat), name, "pat")) == [("username", "not_found")]
    assert codes(act(gql, name, "ned")) == [(None, "unauthenticated")]
    assert Follow.objects.count() == 2


def test_follow_requests_are_the_viewers_own_oldest_first(client_of, pat, make_user):
    for name in ("r1", "r2", "r3"):
        follows.user_follow(follower=make_user(name), followee=pat)
    document = """query($u: String!, $after: String) { user(username: $u) {
      followRequests(first: 2, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { username } } } } }"""
    page = client_of(pat).execute(document, {"u": "pat"}).data["user"]["followRequests"]
    assert [e["node"]["username"] for e in page["edges"]] == ["r1", "r2"]
    after = page["pageInfo"]["endCursor"]
    rest = client_of(pat).execute(document, {"u": "pat", "after": after}).data["user"]
    assert [e["node"]["username"] for e in rest["followRequests"]["edges"]] == ["r3"]
    for other in ("fay", "ned"):
        client = client_of(User.objects.get(username=other))
        assert client.execute(document, {"u": "pat"}).data["user"]["followRequests"] is None
    bad = client_of(pat).execute(document.replace("first: 2", "first: 101"), {"u": "pat"})
    assert bad.error_codes == ["BAD_USER_INPUT"]


UPDATE = """mutation($p: Boolean) { updateProfile(input: {isPrivate: $p}) {
  __typename ... on User { isPrivate followersCount } } }"""


def test_turning_public_approves_every_pending_request(client_of, pat, make_user):
    requesters = [make_user(name) for name in ("r1", "r2")]
    for requester in requesters:
        follows.user_follow(follower=requester, followee=pat)
    answer = client_of(pat).execute(UPDATE, {"p": False}).data["updateProfile"]
    assert answer == {"__typename": "User", "isPrivate": False, "followersCount": 3}
    assert not FollowRequest.objects.exists()
    for requester in requesters:
        requester.refresh_from_db()
        assert requester.following_count == 1
        assert Follow.objects.filter(follower=requester, followee=pat).exists()
    accepted = Notification.objects.filter(kind="FOLLOW_ACCEPTED", actor=pat)
    assert sorted(accepted.values_list("recipient__username", flat=True)) == ["r1", "r2"]
    assert not Notification.objects.filter(kind="FOLLOW_REQUESTED").exists()
    # Public now: following is immediate.
    assert act(client_of(User.objects.get(username="ned")), "followUser", "pat")[
        "viewerIsFollowing"
    ]


def test_turning_private_keeps_existing_followers(client_of, alice, bob):
    follows.user_follow(follower=bob, followee=alice)
    answer = client_of(alice).execute(UPDATE, {"p": True}).data["updateProfile"]
    assert answer == {"__typename": "User", "isPrivate": True, "followersCount": 1}
    assert Follow.objects.filter(follower=bob, followee=alice).exists()
    assert client_of(alice).execute(UPDATE, {"p": None}).data["updateProfile"]["isPrivate"]


def test_a_follow_request_is_a_follow_for_the_rate(client_of, pat, make_user, settings):
    settings.RATE_FOLLOWS_PER_HOUR = 1
    ned = User.objects.get(username="ned")
    assert act(client_of(ned), "followUser", "pat")["viewerFollowRequested"] is True
    assert act(client_of(ned), "followUser", "pat")["__typename"] == "User"  # repeat: free
    make_user("open")
    refused = act(client_of(ned), "followUser", "open")
    assert codes(refused) == [(None, "rate_limited")]
    follow_requests.user_set_private(user=User.objects.get(username="fay"), is_private=True)
    assert codes(act(client_of(ned), "followUser", "fay")) == [(None, "rate_limited")]
    assert FollowRequest.objects.filter(requester=ned).count() == 1
