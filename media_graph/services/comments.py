"""Comments: the photo's owner is notified in the same transaction (services/notifications.py).

Each comment is rated per author (project/rates.py COMMENTS), after it is found valid."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from live import outbox
from media_graph.models import Comment, Photo
from media_graph.services import notifications
from project import rates
from project.codes import PayloadCode
from users.locks import hold_users
from users.models import User


def comment_add(*, photo: Photo, author: User, text: str) -> Comment:
    if not photo.is_published:
        raise ValidationError(
            "Only published photos can be commented on.", code=PayloadCode.INVALID
        )
    comment = Comment(photo=photo, author=author, text=text.strip())
    comment.full_clean(exclude=["photo", "author"])
    with rates.spend(rates.COMMENTS, author.pk):
        _comment_save(comment, photo, author)
    return comment


def _comment_save(comment: Comment, photo: Photo, author: User) -> None:
    try:
        with transaction.atomic():
            # The author and the photo's owner, before any row: the owner's notification
            # row refers to the owner (users/locks.py).
            hold_users(author.pk, photo.owner_id, unblocked=True)
            comment.save()
            Photo.objects.filter(pk=photo.pk).update(comments_count=F("comments_count") + 1)
            notifications.notify_commented(comment=comment)
            outbox.record(outbox.comments_topic(photo.pk), comment.pk)
            outbox.record_photo_changed(photo.pk)
    except IntegrityError:
        # The photo went while this was written (deleted, or its owner's account was).
        if Photo.objects.filter(pk=photo.pk).exists():
            raise
        raise Photo.DoesNotExist("This photo no longer exists.") from None


def comment_delete(*, comment: Comment, actor: User) -> int:
    """Delete a comment: its author or the photo's owner may."""
    if actor.pk not in (comment.author_id, comment.photo.owner_id):
        raise PermissionDenied("Only the comment's author or the photo's owner may delete it.")
    pk = comment.pk
    with transaction.atomic():
        # The author's deletion counts their comments: it must not count this one too.
        hold_users(actor.pk, comment.author_id, comment.photo.owner_id)
        # First: deleting the comment would set the notification's comment to NULL.
        notifications.withdraw_commented(comment=comment)
        # Locked first: a hidden comment is out of the count already (services/hiding.py).
        counted = Comment.objects.select_for_update().filter(pk=pk, hidden_at__isnull=True)
        counted = counted.values_list("pk").first() is not None
        deleted, _ = Comment.objects.filter(pk=pk).delete()
        if deleted and counted:
            Photo.objects.filter(pk=comment.photo_id).update(comments_count=F("comments_count") - 1)
            outbox.record_photo_changed(comment.photo_id)
    return pk
