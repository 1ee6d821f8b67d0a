"""Follow requests: following a private account asks its owner, who approves or declines.

A request is rated as a follow (project/rates.py FOLLOWS): a repeat that changes nothing
costs nothing. The owner is told (FOLLOW_REQUESTED) in the request's transaction; an
approval makes the Follow, moves the counters and tells the requester
(FOLLOW_ACCEPTED); a decline or a withdrawn request takes the unread news back. Turning
the account public approves every pending request at once.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from media_graph.services import notifications
from project import rates
from project.codes import PayloadCode
from project.errors import field_error
from users.locks import hold_users
from users.models import Follow, FollowRequest, User


def follow_request(*, requester: User, target: User) -> bool:
    """`requester` asks to follow private `target`; answers whether anything changed."""
    asked = FollowRequest.objects.filter(requester=requester, target=target).exists
    with rates.spend(rates.FOLLOWS, requester.pk, repeat=asked) as charge:
        if charge is None:
            return False
        try:
            with transaction.atomic():
                hold_users(requester.pk, target.pk, unblocked=True)
                # The unique constraint settles concurrent requests.
                FollowRequest.objects.create(requester=requester, target=target)
                notifications.notify_follow_requested(requester=requester, target=target)
        except IntegrityError:
            charge.refund()
            return False
    return True


def end_request(*, requester: User, target: User) -> bool:
    """Inside a transaction holding both: the pending request (if any) is gone, and its
    unread news with it."""
    deleted, _ = FollowRequest.objects.filter(requester=requester, target=target).delete()
    if deleted:
        notifications.withdraw_follow_requested(requester=requester, target=target)
    return bool(deleted)


def _no_request():
    # On the field that named the requester, as an unknown username is.
    return field_error("username", "No follow request from this user.", PayloadCode.NOT_FOUND)


def follow_request_approve(*, target: User, requester: User) -> None:
    """`target` lets `requester` follow them; no such request: `not_found`."""
    with transaction.atomic():
        hold_users(target.pk, requester.pk)
        if not end_request(requester=requester, target=target):
            raise _no_request()
        if Follow.objects.filter(follower=requester, followee=target).exists():
            return  # followed meanwhile (the account was public for a moment)
        add_follows(followee=target, follower_ids=[requester.pk])
        notifications.notify_follow_accepted(requester=requester, target=target)


def follow_request_decline(*, target: User, requester: User) -> None:
    """`target` refuses `requester`; no such request: `not_found`."""
    with transaction.atomic():
        hold_users(target.pk, requester.pk)
        if not end_request(requester=requester, target=target):
            raise _no_request()


def user_set_private(*, user: User, is_private: bool) -> User:
    """Make the account private or public. Followers stay either way; turning public
    approves every pending request (each requester is told)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_private=is_private)
        user.is_private = is_private
        if is_private:
            return user
        pending = FollowRequest.objects.select_for_update().filter(target=user)
        requester_ids = list(
            pending.order_by("requester_id").values_list("requester_id", flat=True)
        )
        if not requester_ids:
            return user
        hold_users(user.pk, *requester_ids)
        pending.delete()
        notifications.withdraw_follow_requested_all(target=user, requester_ids=requester_ids)
        already = set(
            Follow.objects.filter(followee=user, follower_id__in=requester_ids).values_list(
                "follower_id", flat=True
            )
        )
        new = [pk for pk in requester_ids if pk not in already]
        add_follows(followee=user, follower_ids=new)
        notifications.notify_follow_accepted_all(target=user, requester_ids=new)
    user.refresh_from_db(fields=["followers_count", "following_count"])
    return user


def add_follows(*, followee: User, follower_ids: list[int]) -> None:
    """Inside a transaction holding them all: these people now follow `followee` (none of
    them did), counters moved in one UPDATE each side."""
    if not follower_ids:
        return
    Follow.objects.bulk_create([Follow(follower_id=pk, followee=followee) for pk in follower_ids])
    # Primary-key order, as follows.py locks counters: opposite orders would deadlock.
    for pk in sorted([*follower_ids, followee.pk]):
        if pk == followee.pk:
            change = {"followers_count": F("followers_count") + len(follower_ids)}
        else:
            change = {"following_count": F("following_count") + 1}
        User.objects.filter(pk=pk).update(**change)
