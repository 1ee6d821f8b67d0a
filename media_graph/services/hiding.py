"""Photos and comments a moderator hides: gone for everyone but their author.

Only the moderation services call these (moderation/services/), which check who may
and log the action; here is what hiding does to the rows. `hidden_at` is the one mark,
read by the querysets' `visible_to`. A hidden comment leaves its photo's
comments_count (the count says what others can read) and comes back into it when
shown again; a hidden photo stays in its owner's and its tags' photos_count, as a
deactivated account's photos do (docs/moderation.md).

Each answers whether it changed anything: hiding a hidden row (two moderators acting
on the same report) is no change.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from live import outbox
from media_graph.models import Comment, Photo
from users.locks import hold_users


def photo_set_hidden(*, photo: Photo, hidden: bool) -> bool:
    with transaction.atomic():
        hold_users(photo.owner_id)
        changed = Photo.objects.filter(pk=photo.pk, hidden_at__isnull=hidden).update(
            hidden_at=timezone.now() if hidden else None
        )
        if changed:  # photoUpdated completes for everyone it no longer shows to
            outbox.record_photo_changed(photo.pk)
    photo.refresh_from_db(fields=["hidden_at"])
    return bool(changed)


def comment_set_hidden(*, comment: Comment, hidden: bool) -> bool:
    with transaction.atomic():
        # The accounts first, as comment_delete takes them: an account's deletion
        # recounts these photos' comments and must see this change whole.
        hold_users(comment.author_id, comment.photo.owner_id)
        changed = Comment.objects.filter(pk=comment.pk, hidden_at__isnull=hidden).update(
            hidden_at=timezone.now() if hidden else None
        )
        if changed:
            delta = -1 if hidden else 1
            Photo.objects.filter(pk=comment.photo_id).update(
                comments_count=F("comments_count") + delta
            )
            outbox.record_photo_changed(comment.photo_id)  # its commentsCount moved
    comment.refresh_from_db(fields=["hidden_at"])
    return bool(changed)
