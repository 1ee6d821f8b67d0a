"""Likes: idempotent, race-safe, published photos only; the owner is notified in the same
transaction (media_graph/services/notifications.py).

A like is rated per liker (project/rates.py LIKES); a repeat that changes nothing costs
nothing, and an unlike is free: they write no row and notify nobody."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from live import outbox
from media_graph.models import Like, Photo
from media_graph.services import notifications
from project import rates
from project.codes import PayloadCode
from users.locks import hold_users
from users.models import User


def _check_published(photo: Photo) -> None:
    if not photo.is_published:
        raise ValidationError("Only published photos can be liked.", code=PayloadCode.INVALID)


def photo_like(*, photo: Photo, user: User) -> bool:
    """Like a photo; answers whether anything changed (a second like changes nothing)."""
    _check_published(photo)
    liked = Like.objects.filter(user=user, photo=photo).exists
    with rates.spend(rates.LIKES, user.pk, repeat=liked) as charge:
        if charge is None:
            return False  # a repeat at the limit: nothing to write
        try:
            with transaction.atomic():
                # The liker and the photo's owner, before any row: the owner's
                # notification row refers to the owner, and the owner's deletion must not
                # wait for this transaction while this one waits for it (users/locks.py).
                hold_users(user.pk, photo.owner_id, unblocked=True)
                # The unique (user, photo) constraint settles concurrent likes.
                Like.objects.create(user=user, photo=photo)
                Photo.objects.filter(pk=photo.pk).update(likes_count=F("likes_count") + 1)
                notifications.notify_liked(photo=photo, user=user)
                outbox.record_photo_changed(photo.pk)
        except IntegrityError:
            # A like that exists already, or a photo that went while this was written
            # (deleted, or its owner's account was).
            if not Photo.objects.filter(pk=photo.pk).exists():
                raise Photo.DoesNotExist("This photo no longer exists.") from None
            charge.refund()
            return False
    return True


def photo_unlike(*, photo: Photo, user: User) -> bool:
    with transaction.atomic():
        hold_users(user.pk, photo.owner_id)
        deleted, _ = Like.objects.filter(user=user, photo=photo).delete()
        if deleted:
            Photo.objects.filter(pk=photo.pk).update(likes_count=F("likes_count") - 1)
            notifications.withdraw_liked(photo=photo, user=user)
            outbox.record_photo_changed(photo.pk)
    return bool(deleted)
