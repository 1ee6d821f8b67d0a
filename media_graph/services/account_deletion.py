"""Deleting an account and everything of it: `deleteAccount`, and operators in /admin/.

It lives here, not in users/services: it reaches into the photo domain (photos, their
stored objects, likes, comments, albums), and users/ imports nothing of media_graph.

One transaction. The account's row is locked first (FOR UPDATE): a like, comment,
follow, photo or album write involving it either finished before (and is counted
here) or waits and then fails (users/locks.py). Each part below deletes one kind of
row and fixes, with F() updates, the counters other users' rows keep of it; the
stored objects of the photos leave storage after the commit, as delete tasks.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import OperationalError, connection, transaction
from django.db.models import Count, F, Q, QuerySet

from media_graph.models import (
    AlbumMember,
    AlbumPhoto,
    Comment,
    Favorite,
    Like,
    Notification,
    Photo,
    StagedUpload,
    Tag,
)
from media_graph.services.processing import queue_delete
from users import jwt_tokens
from users.models import AccessToken, Follow, User
from users.services.accounts import user_confirm_password

DEADLOCK_ATTEMPTS = 3
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE
# Keys per delete task (S3's DeleteObjects takes 1,000; storage.delete batches too).
DELETE_TASK_KEYS = 1000


def user_delete_own(*, user: User, password: str, address: str) -> int:
    """The viewer deletes their own account: only with their password (see
    user_confirm_password). Answers the deleted account's id."""
    user_confirm_password(user=user, password=password, address=address)
    return user_delete(user=user)


def user_delete(*, user: User) -> int:
    """Delete the account and everything of it; answers its id. Checks nothing: the
    caller decided (its owner with a password, or an operator).

    Two accounts linked by a follow, deleted at the same moment, each hold their own
    row and wait for the other's: PostgreSQL ends one of them as a deadlock, and that
    one starts again (when it is its own transaction, not part of a caller's).
    """
    for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
        try:
            return _delete(user)
        except OperationalError as exc:
            deadlock = getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_DETECTED
            if not deadlock or attempt == DEADLOCK_ATTEMPTS or connection.in_atomic_block:
                raise
    raise AssertionError("unreachable")


def _delete(user: User) -> int:
    pk = user.pk
    with transaction.atomic():
        locked = User.objects.select_for_update().filter(pk=pk).first()
        if locked is None:
            raise User.DoesNotExist("This account no longer exists.")
        for part in ACCOUNT_PARTS:
            part(locked)
        locked.delete()  # anything a part left cascades; nothing of it may hold a counter
    return pk


def _subtract(queryset: QuerySet, field: str, amounts: Iterable[tuple[int, int]]) -> None:
    """Subtract each amount from `field` of the row with that pk: one UPDATE per distinct
    amount, so the statements stay few however many rows."""
    by_amount: dict[int, list[int]] = defaultdict(list)
    for pk, amount in amounts:
        by_amount[amount].append(pk)
    for amount, pks in sorted(by_amount.items()):
        queryset.filter(pk__in=pks).update(**{field: F(field) - amount})


def _follows(user: User) -> None:
    followers = Follow.objects.filter(followee=user).values("follower")
    followees = Follow.objects.filter(follower=user).values("followee")
    # Locked in primary-key order, as a follow locks its two users: no deadlock with one.
    others = User.objects.filter(Q(pk__in=followers) | Q(pk__in=followees))
    list(others.select_for_update(no_key=True).order_by("pk").values_list("pk"))
    User.objects.filter(pk__in=followers).update(following_count=F("following_count") - 1)
    User.objects.filter(pk__in=followees).update(followers_count=F("followers_count") - 1)
    Follow.objects.filter(Q(follower=user) | Q(followee=user)).delete()


def _likes(user: User) -> None:
    # Likes of the account's own photos go with the photos, which keep no count after.
    liked = Like.objects.filter(user=user).exclude(photo__owner=user)
    Photo.objects.filter(pk__in=liked.values("photo")).update(likes_count=F("likes_count") - 1)
    Like.objects.filter(user=user).delete()


def _comments(user: User) -> None:
    # Hidden ones are out of their photos' counts already (services/hiding.py).
    written = Comment.objects.filter(author=user, hidden_at__isnull=True).exclude(photo__owner=user)
    per_photo = written.order_by().values("photo").annotate(n=Count("pk"))
    _subtract(Photo.objects, "comments_count", ((r["photo"], r["n"]) for r in per_photo))
    Comment.objects.filter(author=user).delete()


def _photos(user: User) -> None:
    """The photos (their likes, comments, album entries go with them), tags' counts of
    the published ones, and after the commit every stored object of them."""
    photos = Photo.objects.filter(owner=user)
    # Locked as photo_delete locks one: a thumbnail task or an edit waits, then finds none.
    names = photos.stored_names(lock=True)
    published = photos.filter(status=Photo.Status.PUBLISHED)
    tagged = Photo.tags.through.objects.filter(photo__in=published)
    per_tag = tagged.order_by().values("tag").annotate(n=Count("pk"))
    _subtract(Tag.objects, "photos_count", ((r["tag"], r["n"]) for r in per_tag))
    Photo.tags.through.objects.filter(photo__in=photos).delete()
    AlbumPhoto.objects.filter(photo__in=photos).delete()
    photos.delete()
    for start in range(0, len(names), DELETE_TASK_KEYS):
        queue_delete(names[start : start + DELETE_TASK_KEYS])


def _albums(user: User) -> None:
    user.albums.all().delete()  # their entries go with them; the photos went before


def _favorites(user: User) -> None:
    Favorite.objects.filter(user=user).delete()  # others' of the user's photos went with them


def _memberships(user: User) -> None:
    AlbumMember.objects.filter(user=user).delete()  # members of the user's albums went with them


def _notifications(user: User) -> None:
    Notification.objects.filter(Q(recipient=user) | Q(actor=user)).delete()


def _staged_uploads(user: User) -> None:
    """Direct uploads never finalized: their rows, and after the commit their objects."""
    uploads = StagedUpload.objects.filter(owner=user)
    keys = list(uploads.values_list("key", flat=True))
    uploads.delete()
    for start in range(0, len(keys), DELETE_TASK_KEYS):
        queue_delete(keys[start : start + DELETE_TASK_KEYS])


def _tokens(user: User) -> None:
    AccessToken.objects.filter(user=user).delete()
    jwt_tokens.delete_refresh_tokens(user)


# Everything an account has, in order; each part deletes its rows and fixes the
# counters kept of them. A new kind of row that belongs to a user adds its part here,
# one line, and its writes call users.locks.hold_users first.
ACCOUNT_PARTS: list[Callable[[User], None]] = [
    _follows,
    _likes,
    _comments,
    _favorites,
    _photos,
    _albums,
    _memberships,
    _notifications,
    _staged_uploads,
    _tokens,
]
