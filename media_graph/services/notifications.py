"""Notifications: written in the transaction of the edge that causes them, and undone with it.

Who calls what:
- likes and comments (media_graph/services/likes.py, comments.py) call `notify_liked`,
  `notify_commented` and their `withdraw_*` inside their own `transaction.atomic()`;
- follows (media_graph/services/follows.py) call `notify_followed` and
  `withdraw_followed` inside theirs;
- album shares: the shared-albums services call `notify_album_shared` and
  `withdraw_album_shared` inside theirs;
- follow requests (services/follow_requests.py) call `notify_follow_requested`,
  `notify_follow_accepted` and `withdraw_follow_requested` inside theirs.
Each `notify_*` must run inside the caller's transaction (it is written for that, and
checks). Nobody is notified of their own actions. News from someone the recipient
muted, or across a block, is never shown (NotificationQuerySet.visible_to) nor mailed
(notification_emails.wants_email). Withdrawing removes only what is still
unread: a notification the recipient has seen stays, as a record of what happened.

A new follower or comment is also mailed, after commit (media_graph/notification_emails.py),
when the recipient has `email_notifications` on.
"""

from collections.abc import Iterable

from django.db import transaction

from live import outbox
from media_graph import notification_emails
from media_graph.models import Album, Comment, Notification, Photo
from project.errors import field_error
from users.models import User

Kind = Notification.Kind
# markNotificationsRead takes at most this many IDs at once.
MAX_MARK_READ_IDS = 100
# The kinds that are also mailed, when the recipient wants email.
EMAILED_KINDS = frozenset({Kind.FOLLOWED, Kind.COMMENTED})


def _notify(*, recipient_id: int, actor: User, kind: str, **about) -> Notification | None:
    if recipient_id == actor.pk:
        return None  # your own doing is no news to you
    assert transaction.get_connection().in_atomic_block, "notify inside the edge's transaction"
    notification = Notification.objects.create(
        recipient_id=recipient_id, actor=actor, kind=kind, **about
    )
    outbox.record(outbox.notification_topic(recipient_id), notification.pk)
    if kind in EMAILED_KINDS and notification_emails.wants_email(recipient_id, actor.pk):
        notification_emails.queue_notification_email(notification.pk)
    return notification


def _withdraw(*, recipient_id: int, kind: str, **about) -> int:
    unread = Notification.objects.filter(recipient_id=recipient_id, kind=kind, read=False, **about)
    deleted, _ = unread.delete()
    return deleted


def notify_followed(*, follower: User, followee: User) -> Notification | None:
    return _notify(recipient_id=followee.pk, actor=follower, kind=Kind.FOLLOWED)


def withdraw_followed(*, follower: User, followee: User) -> int:
    return _withdraw(recipient_id=followee.pk, actor=follower, kind=Kind.FOLLOWED)


def notify_liked(*, photo: Photo, user: User) -> Notification | None:
    return _notify(recipient_id=photo.owner_id, actor=user, kind=Kind.LIKED, photo=photo)


def withdraw_liked(*, photo: Photo, user: User) -> int:
    return _withdraw(recipient_id=photo.owner_id, actor=user, kind=Kind.LIKED, photo=photo)


def notify_commented(*, comment: Comment) -> Notification | None:
    return _notify(
        recipient_id=comment.photo.owner_id,
        actor=comment.author,
        kind=Kind.COMMENTED,
        photo=comment.photo,
        comment=comment,
    )


def withdraw_commented(*, comment: Comment) -> int:
    # Whoever deletes it (its author or the photo's owner), the news is gone with it.
    return _withdraw(
        recipient_id=comment.photo.owner_id,
        actor=comment.author,
        kind=Kind.COMMENTED,
        comment=comment,
    )


def notify_album_shared(*, album: Album, actor: User, recipient: User) -> Notification | None:
    """`actor` (the owner) made `recipient` a member of `album`: call inside that transaction,
    when the membership is created (not when a member's role changes)."""
    return _notify(recipient_id=recipient.pk, actor=actor, kind=Kind.ALBUM_SHARED, album=album)


def withdraw_album_shared(*, album: Album, recipient: User) -> int:
    """`recipient` is no longer a member of `album` (removed by the owner, or left): inside
    that transaction. Whoever ended it, the unread news of the share goes."""
    return _withdraw(recipient_id=recipient.pk, kind=Kind.ALBUM_SHARED, album=album)


def notify_follow_requested(*, requester: User, target: User) -> Notification | None:
    return _notify(recipient_id=target.pk, actor=requester, kind=Kind.FOLLOW_REQUESTED)


def withdraw_follow_requested(*, requester: User, target: User) -> int:
    return _withdraw(recipient_id=target.pk, actor=requester, kind=Kind.FOLLOW_REQUESTED)


def withdraw_follow_requested_all(*, target: User, requester_ids: list[int]) -> int:
    return _withdraw(recipient_id=target.pk, kind=Kind.FOLLOW_REQUESTED, actor_id__in=requester_ids)


def notify_follow_accepted(*, requester: User, target: User) -> Notification | None:
    """`target` approved `requester`: the requester is told, by the target."""
    return _notify(recipient_id=requester.pk, actor=target, kind=Kind.FOLLOW_ACCEPTED)


def notify_follow_accepted_all(*, target: User, requester_ids: list[int]) -> None:
    """`target` turned public: every requester is told at once."""
    assert transaction.get_connection().in_atomic_block, "notify inside the edge's transaction"
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, actor=target, kind=Kind.FOLLOW_ACCEPTED)
            for pk in requester_ids
        ]
    )


def check_mark_read_count(count: int) -> None:
    if count > MAX_MARK_READ_IDS:
        raise field_error("ids", f"At most {MAX_MARK_READ_IDS} IDs at once.")


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s notifications read: these (at most MAX_MARK_READ_IDS; others' IDs
    match nothing), or all of them when `ids` is None. Answers how many changed."""
    unread = Notification.objects.filter(recipient=user, read=False)
    if ids is not None:
        ids = list(ids)
        check_mark_read_count(len(ids))
        unread = unread.filter(pk__in=ids)
    return unread.update(read=True)
