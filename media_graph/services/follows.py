"""Follow and unfollow: idempotent, race-safe, counters moved only on a real change.

A follow is rated per follower (project/rates.py FOLLOWS); a repeat that changes nothing
costs nothing, and an unfollow is free. A real change notifies the followee (or withdraws
the unread notification) inside the same transaction, so it commits or rolls back with
the edge. The Follow model stays in users/; its writes live here, in the domain that
notifies. Following a private account asks instead (services/follow_requests.py), at the
same rate.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from media_graph.services import follow_requests, notifications
from project import rates
from project.codes import PayloadCode
from users.locks import hold_users
from users.models import Follow, User


def _move_counters(*, follower: User, followee: User, delta: int) -> None:
    updates = [
        (follower.pk, {"following_count": F("following_count") + delta}),
        (followee.pk, {"followers_count": F("followers_count") + delta}),
    ]
    # Rows are locked in primary-key order: when two people follow each other at the
    # same moment, opposite orders would deadlock.
    for pk, change in sorted(updates, key=lambda update: update[0]):
        User.objects.filter(pk=pk).update(**change)


def user_follow(*, follower: User, followee: User) -> bool:
    """Make `follower` follow `followee`; answers whether anything changed."""
    if follower.pk == followee.pk:
        raise ValidationError(
            {"followee": ValidationError("You cannot follow yourself.", code=PayloadCode.INVALID)}
        )
    following = Follow.objects.filter(follower=follower, followee=followee).exists
    if followee.is_private and not following():
        return follow_requests.follow_request(requester=follower, target=followee)
    with rates.spend(rates.FOLLOWS, follower.pk, repeat=following) as charge:
        if charge is None:
            return False  # a repeat at the limit: nothing to write
        try:
            with transaction.atomic():
                # Neither account is being deleted (users/locks.py).
                hold_users(follower.pk, followee.pk, unblocked=True)
                # The unique constraint decides between concurrent follows: one inserts,
                # the others fail here and change nothing.
                Follow.objects.create(follower=follower, followee=followee)
                _move_counters(follower=follower, followee=followee, delta=+1)
                notifications.notify_followed(follower=follower, followee=followee)
        except IntegrityError:
            charge.refund()
            return False
    return True


def user_unfollow(*, follower: User, followee: User) -> bool:
    """Stop following, or withdraw a request not yet approved; answers whether anything
    changed."""
    with transaction.atomic():
        hold_users(follower.pk, followee.pk)
        ended = end_follow(follower=follower, followee=followee)
        withdrawn = follow_requests.end_request(requester=follower, target=followee)
    return ended or withdrawn


def end_follow(*, follower: User, followee: User) -> bool:
    """Inside a transaction holding both: the follow ends, counters and news with it."""
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    if deleted:
        _move_counters(follower=follower, followee=followee, delta=-1)
        notifications.withdraw_followed(follower=follower, followee=followee)
    return bool(deleted)
