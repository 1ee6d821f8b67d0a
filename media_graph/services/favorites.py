"""Favorites: idempotent, race-safe, private. Any photo the user may see, drafts of their
own included (the caller finds the photo through `visible_to`)."""

from django.db import IntegrityError, transaction

from media_graph.models import Favorite, Photo
from users.locks import hold_users
from users.models import User


def photo_favorite(*, photo: Photo, user: User) -> bool:
    """Favorite a photo; answers whether anything changed (a second time changes nothing)."""
    try:
        with transaction.atomic():
            # Not while either account is being deleted, nor across a block (users/locks.py).
            hold_users(user.pk, photo.owner_id, unblocked=True)
            # The unique (user, photo) constraint settles concurrent favorites.
            Favorite.objects.create(user=user, photo=photo)
    except IntegrityError:
        return False
    return True


def photo_unfavorite(*, photo: Photo, user: User) -> bool:
    deleted, _ = Favorite.objects.filter(user=user, photo=photo).delete()
    return bool(deleted)
