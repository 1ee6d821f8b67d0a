"""Follow and unfollow: idempotent, race-safe, counters moved only on a real change."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from users.models import Follow, User


def _move_counters(*, follower: User, followee: User, delta: int) -> None:
    User.objects.filter(pk=follower.pk).update(following_count=F("following_count") + delta)
    User.objects.filter(pk=followee.pk).update(followers_count=F("followers_count") + delta)


def user_follow(*, follower: User, followee: User) -> bool:
    """Make `follower` follow `followee`; answers whether anything changed."""
    if follower.pk == followee.pk:
        raise ValidationError(
            {"username": ValidationError("You cannot follow yourself.", code="invalid")}
        )
    try:
        with transaction.atomic():
            # The unique constraint decides between concurrent follows: one inserts,
            # the others fail here and change nothing.
            Follow.objects.create(follower=follower, followee=followee)
            _move_counters(follower=follower, followee=followee, delta=+1)
    except IntegrityError:
        return False
    return True


def user_unfollow(*, follower: User, followee: User) -> bool:
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
        if deleted:
            _move_counters(follower=follower, followee=followee, delta=-1)
    return bool(deleted)
