"""The notification services at the service level: album shares (whose membership service
lives on another branch and calls these), the transaction they share with the edge, and
the rules every kind keeps. HTTP tests: tests/schema/social/test_notifications.py."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from media_graph.models import Notification
from media_graph.services import notifications
from media_graph.services.follows import user_follow, user_unfollow
from media_graph.services.likes import photo_like
from tests.schema.social.notifications import listed
from tests.support.client import GraphQLClient
from tests.support.factories import make_album, make_photo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counters_stay_right")]


class Rollback(Exception):
    pass


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_an_album_share_notifies_the_member_and_withdrawing_removes_it(alice, bob):
    album = make_album(alice, "Trip")
    with transaction.atomic():
        shared = notifications.notify_album_shared(album=album, actor=alice, recipient=bob)
    assert (shared.kind, shared.album, shared.actor, shared.read) == (
        "ALBUM_SHARED",
        album,
        alice,
        False,
    )
    with transaction.atomic():
        assert notifications.withdraw_album_shared(album=album, recipient=bob) == 1
    assert kinds(bob) == []


def test_sharing_with_yourself_notifies_nobody(alice):
    album = make_album(alice, "Mine")
    with transaction.atomic():
        assert notifications.notify_album_shared(album=album, actor=alice, recipient=alice) is None
    assert Notification.objects.count() == 0


def test_a_read_share_stays_when_the_membership_ends(alice, bob):
    album = make_album(alice, "Trip")
    with transaction.atomic():
        notifications.notify_album_shared(album=album, actor=alice, recipient=bob)
    notifications.notifications_mark_read(user=bob)
    with transaction.atomic():
        assert notifications.withdraw_album_shared(album=album, recipient=bob) == 0
    assert kinds(bob) == ["ALBUM_SHARED"]


@pytest.mark.parametrize("visibility, seen", [("PUBLIC", "Trip"), ("PRIVATE", None)])
def test_the_album_is_read_through_its_visibility(login, alice, bob, visibility, seen):
    """A private album is null to a recipient who may not see it (no membership exists on
    this branch; with shared albums, a member's Album.visible_to lets it through)."""
    album = make_album(alice, "Trip", visibility=visibility)
    with transaction.atomic():
        notifications.notify_album_shared(album=album, actor=alice, recipient=bob)
    client = GraphQLClient()
    login(bob, client)
    assert listed(client) == [("ALBUM_SHARED", "alice", None, None, seen, False)]


def test_a_rolled_back_follow_leaves_no_notification(alice, bob):
    with pytest.raises(Rollback), transaction.atomic():
        assert user_follow(follower=alice, followee=bob)
        assert kinds(bob) == ["FOLLOWED"]  # written in the same transaction
        raise Rollback
    assert kinds(bob) == []


def test_a_rolled_back_unfollow_keeps_the_notification(alice, bob):
    user_follow(follower=alice, followee=bob)
    with pytest.raises(Rollback), transaction.atomic():
        user_unfollow(follower=alice, followee=bob)
        assert kinds(bob) == []
        raise Rollback
    assert kinds(bob) == ["FOLLOWED"]


def test_a_rolled_back_like_leaves_no_notification(alice, bob):
    photo = make_photo(bob, "sea")
    with pytest.raises(Rollback), transaction.atomic():
        photo_like(photo=photo, user=alice)
        raise Rollback
    assert kinds(bob) == []


def test_notifying_outside_a_transaction_is_a_programming_error(alice, bob):
    # The test's own transaction is an atomic block; leave it to see the check.
    with pytest.raises(AssertionError, match="transaction"):
        _outside_any_transaction(
            lambda: notifications.notify_followed(follower=alice, followee=bob)
        )


def _outside_any_transaction(call):
    connection = transaction.get_connection()
    in_block = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        return call()
    finally:
        connection.in_atomic_block = in_block


def test_marking_read_touches_only_the_users_own(alice, bob, make_user):
    carol = make_user("carol")
    for follower in (alice, carol):
        user_follow(follower=follower, followee=bob)
    user_follow(follower=bob, followee=alice)
    alices = Notification.objects.get(recipient=alice).pk
    bobs = list(Notification.objects.filter(recipient=bob).values_list("pk", flat=True))
    assert notifications.notifications_mark_read(user=bob, ids=[alices, bobs[0]]) == 1
    assert Notification.objects.get(pk=alices).read is False
    assert notifications.notifications_mark_read(user=bob) == 1
    assert not Notification.objects.filter(recipient=bob, read=False).exists()


def test_marking_more_than_100_at_once_is_invalid(bob):
    with pytest.raises(ValidationError) as refused:
        notifications.notifications_mark_read(user=bob, ids=range(1, 102))
    assert refused.value.error_dict["ids"][0].code == "invalid"
    assert notifications.notifications_mark_read(user=bob, ids=range(1, 101)) == 0
