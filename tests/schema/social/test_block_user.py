"""blockUser, unblockUser, muteUser, unmuteUser: what ends, what answers `not_found`, what
comes back, and what a mute changes (the viewer's feed and notifications only)."""

import pytest

from media_graph.models import AlbumMember, Notification
from media_graph.services import album_members, follow_requests, follows
from media_graph.services.account_deletion import user_delete
from tests.support.client import codes
from tests.support.factories import gid, make_album, make_photo
from users.models import Block, Follow, FollowRequest, Mute

pytestmark = pytest.mark.django_db

FIELDS = "username viewerHasBlocked viewerHasMuted viewerIsFollowing followersCount"


def call(client, name: str, username: str) -> dict:
    document = f"""mutation($u: String!) {{ {name}(input: {{username: $u}}) {{
        __typename ... on User {{ {FIELDS} }}
        ... on OperationInfo {{ messages {{ code field }} }} }} }}"""
    return client.execute(document, {"u": username}).data[name]


def user(client, username: str):
    document = "query($u: String!) { user(username: $u) { username } }"
    return client.execute(document, {"u": username}).data["user"]


def test_block_answers_the_blocked_and_is_idempotent(client_of, alice, bob):
    first = call(client_of(alice), "blockUser", "bob")
    assert first == {
        "__typename": "User",
        "username": "bob",
        "viewerHasBlocked": True,
        "viewerHasMuted": False,
        "viewerIsFollowing": False,
        "followersCount": 0,
    }
    assert call(client_of(alice), "blockUser", "BOB") == first
    assert Block.objects.filter(blocker=alice, blocked=bob).count() == 1


def test_block_hides_both_ways_and_unblock_restores_visibility(client_of, alice, bob):
    call(client_of(alice), "blockUser", "bob")
    assert user(client_of(alice), "bob") is None
    assert user(client_of(bob), "alice") is None
    # To bob, alice does not exist: he cannot block, mute or unblock her either.
    for name in ("blockUser", "unblockUser", "muteUser", "followUser"):
        assert codes(call(client_of(bob), name, "alice")) == [("username", "not_found")]
    answer = call(client_of(alice), "unblockUser", "bob")
    assert answer["viewerHasBlocked"] is False
    assert user(client_of(alice), "bob") == {"username": "bob"}
    assert user(client_of(bob), "alice") == {"username": "alice"}
    assert call(client_of(alice), "unblockUser", "bob")["viewerHasBlocked"] is False


def test_block_ends_follows_requests_and_memberships_not_restored(client_of, alice, bob, make_user):
    follows.user_follow(follower=alice, followee=bob)
    follows.user_follow(follower=bob, followee=alice)
    carol = make_user("carol", is_private=True)
    follows.user_follow(follower=carol, followee=alice)
    follow_requests.user_set_private(user=alice, is_private=True)
    dave = make_user("dave")
    follows.user_follow(follower=dave, followee=alice)  # a request, untouched by the block
    alices = make_album(alice, "alice's")
    bobs = make_album(bob, "bob's")
    album_members.album_member_add(album=alices, actor=alice, user=bob, role="VIEWER")
    album_members.album_member_add(album=bobs, actor=bob, user=alice, role="EDITOR")
    follow_requests.user_set_private(user=bob, is_private=True)
    follows.user_unfollow(follower=alice, followee=bob)
    follows.user_follow(follower=alice, followee=bob)  # now a pending request
    assert FollowRequest.objects.filter(requester=alice, target=bob).exists()

    call(client_of(alice), "blockUser", "bob")
    assert not Follow.objects.filter(follower__in=[alice, bob], followee__in=[alice, bob]).exists()
    assert not FollowRequest.objects.filter(requester=alice, target=bob).exists()
    assert FollowRequest.objects.filter(requester=dave, target=alice).exists()
    assert not AlbumMember.objects.filter(user__in=[alice, bob], album__in=[alices, bobs]).exists()
    # Counters follow the ended edges; carol's follow of alice stays.
    for account, counts in ((alice, (1, 0)), (bob, (0, 0))):
        account.refresh_from_db()
        assert (account.followers_count, account.following_count) == counts
    # Unread news of the ended edges went with them.
    assert not Notification.objects.filter(
        actor__in=[alice, bob], recipient__in=[alice, bob], read=False
    ).exists()

    call(client_of(alice), "unblockUser", "bob")
    assert not Follow.objects.filter(follower__in=[alice, bob], followee__in=[alice, bob]).exists()
    assert not AlbumMember.objects.filter(user__in=[alice, bob], album__in=[alices, bobs]).exists()


WRITES = {
    "likePhoto": ("photoId", "mutation($id: ID!) { likePhoto(input: {photoId: $id}) { %s } }"),
    "favoritePhoto": (
        "photoId",
        "mutation($id: ID!) { favoritePhoto(input: {photoId: $id}) { %s } }",
    ),
    "addComment": (
        "photoId",
        'mutation($id: ID!) { addComment(input: {photoId: $id, text: "hi"}) { %s } }',
    ),
}
PAYLOAD = "__typename ... on OperationInfo { messages { code field } }"


@pytest.mark.parametrize("who_blocks", ["alice", "bob"])
def test_writes_toward_a_blocked_person_are_not_found(client_of, alice, bob, who_blocks):
    photo = make_photo(bob, "bob's")
    album = make_album(alice, "alice's")
    blocker, blocked = (alice, "bob") if who_blocks == "alice" else (bob, "alice")
    call(client_of(blocker), "blockUser", blocked)
    as_alice = client_of(alice)
    for name, (field, document) in WRITES.items():
        answer = as_alice.execute(document % PAYLOAD, {"id": gid("Photo", photo.pk)}).data[name]
        assert codes(answer) == [(field, "not_found")], name
    assert codes(call(as_alice, "followUser", "bob")) == [("username", "not_found")]
    share = """mutation($a: ID!) { addAlbumMember(input: {albumId: $a, username: "bob",
        role: VIEWER}) { __typename ... on OperationInfo { messages { code field } } } }"""
    answer = as_alice.execute(share, {"a": gid("Album", album.pk)}).data["addAlbumMember"]
    assert codes(answer) == [("username", "not_found")]
    assert not Follow.objects.exists()
    assert not AlbumMember.objects.exists()


@pytest.mark.parametrize("name", ["blockUser", "muteUser"])
def test_yourself_is_invalid_and_unknown_is_not_found(client_of, alice, name, make_user):
    assert codes(call(client_of(alice), name, "alice")) == [("username", "invalid")]
    assert codes(call(client_of(alice), name, "nobody")) == [("username", "not_found")]
    assert codes(call(client_of(alice), name, "")) == [("username", "not_found")]
    make_user("gone", is_active=False)
    assert codes(call(client_of(alice), name, "gone")) == [("username", "not_found")]
    assert not Block.objects.exists() and not Mute.objects.exists()


@pytest.mark.parametrize("name", ["blockUser", "unblockUser", "muteUser", "unmuteUser"])
def test_anonymous_is_unauthenticated(gql, bob, name):
    assert codes(call(gql, name, "bob")) == [(None, "unauthenticated")]


FEED = "{ feed(first: 20) { edges { node { caption } } } }"
NOTIFICATIONS = "{ me { unreadNotificationsCount } notifications { edges { node { kind } } } }"


def test_mute_takes_photos_out_of_the_feed_and_stops_notifications(client_of, alice, bob):
    follows.user_follow(follower=alice, followee=bob)
    make_photo(bob, "bob's")
    follows.user_follow(follower=bob, followee=alice)  # news for alice
    as_alice = client_of(alice)
    assert as_alice.execute(FEED).data["feed"]["edges"] == [{"node": {"caption": "bob's"}}]
    assert as_alice.execute(NOTIFICATIONS).data["me"]["unreadNotificationsCount"] == 1

    muted = call(as_alice, "muteUser", "bob")
    assert muted["viewerHasMuted"] is True and muted["viewerIsFollowing"] is True
    assert call(as_alice, "muteUser", "bob") == muted
    assert as_alice.execute(FEED).data["feed"]["edges"] == []
    data = as_alice.execute(NOTIFICATIONS).data
    assert data == {"me": {"unreadNotificationsCount": 0}, "notifications": {"edges": []}}
    # Nothing else changes: bob is still followed, seen, and cannot tell.
    assert user(as_alice, "bob") == {"username": "bob"}
    bobs_view = '{ user(username: "alice") { viewerHasMuted viewerIsFollowing followsViewer } }'
    assert client_of(bob).execute(bobs_view).data["user"] == {
        "viewerHasMuted": False,
        "viewerIsFollowing": True,
        "followsViewer": True,
    }

    assert call(as_alice, "unmuteUser", "bob")["viewerHasMuted"] is False
    assert as_alice.execute(FEED).data["feed"]["edges"] == [{"node": {"caption": "bob's"}}]


def test_deleting_an_account_takes_its_blocks_mutes_and_requests(client_of, alice, bob, make_user):
    carol = make_user("carol")
    follow_requests.user_set_private(user=carol, is_private=True)
    call(client_of(alice), "blockUser", "bob")
    call(client_of(alice), "muteUser", "carol")
    call(client_of(carol), "blockUser", "alice")
    follows.user_follow(follower=bob, followee=carol)  # a request
    user_delete(user=alice)
    user_delete(user=bob)
    assert not Block.objects.exists() and not Mute.objects.exists()
    assert not FollowRequest.objects.exists()
    assert not Notification.objects.filter(recipient=carol).exists()


def test_one_document_answers_each_viewer_with_their_own_blocks(client_of, alice, bob, make_user):
    """The optimizer's plans are made for a stand-in viewer and reused (schema/engine/plans.py):
    the blocks in them must be the viewer's of each request."""
    carol = make_user("carol")
    make_photo(bob, "bob's")
    call(client_of(alice), "blockUser", "bob")
    document = "{ photos { edges { node { caption owner { username } } } } }"
    for viewer, seen in (
        (alice, []),
        (carol, ["bob's"]),
        (alice, []),
        (bob, ["bob's"]),
        (alice, []),
    ):
        edges = client_of(viewer).execute(document).data["photos"]["edges"]
        assert [edge["node"]["caption"] for edge in edges] == seen, viewer.username
