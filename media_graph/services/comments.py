"""Comments: the photo's owner is notified in the same transaction (services/notifications.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from media_graph.models import Comment, Photo
from media_graph.services import notifications
from project.codes import PayloadCode
from users.models import User


def comment_add(*, photo: Photo, author: User, text: str) -> Comment:
    if not photo.is_published:
        raise ValidationError(
            "Only published photos can be commented on.", code=PayloadCode.INVALID
        )
    comment = Comment(photo=photo, author=author, text=text.strip())
    comment.full_clean(exclude=["photo", "author"])
    with transaction.atomic():
        comment.save()
        Photo.objects.filter(pk=photo.pk).update(comments_count=F("comments_count") + 1)
        notifications.notify_commented(comment=comment)
    return comment


def comment_delete(*, comment: Comment, actor: User) -> int:
    """Delete a comment: its author or the photo's owner may."""
    if actor.pk not in (comment.author_id, comment.photo.owner_id):
        raise PermissionDenied("Only the comment's author or the photo's owner may delete it.")
    pk = comment.pk
    with transaction.atomic():
        # First: deleting the comment would set the notification's comment to NULL.
        notifications.withdraw_commented(comment=comment)
        deleted, _ = Comment.objects.filter(pk=pk).delete()
        if deleted:
            Photo.objects.filter(pk=comment.photo_id).update(comments_count=F("comments_count") - 1)
    return pk
