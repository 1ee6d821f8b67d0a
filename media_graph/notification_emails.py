"""Email for a new follower or a new comment: one message, sent after commit by a task
(tasks.email.send_email; this module composes and sends it, plain Python).

`queue_notification_email` is called by the notification services inside the edge's
transaction; the task goes to the broker once that commits (never for a rolled-back
edge), or runs inline without a broker. The task reads everything again when it runs:
a notification withdrawn in the meantime (an unfollow, a deleted comment) or a recipient
who turned `email_notifications` off since gets no email.

At most one email per actor, recipient, kind and subject (what it is about: the photo
commented on; nothing for a follow) in NOTIFICATION_EMAIL_DEDUPE_SECONDS: a key claimed
in the counting store (project/rates.py `first_in`) before the send, so an unfollow and a
new follow, or a second comment on the same photo, within the hour send nothing new.
Keyed on ids, not on the subject line, which the actor's display name would change. A
store that cannot say sends nothing: the notification itself is still there.

One email per notification: the task claims the row (sets `emailed_at` where it is
still empty) before it sends, so a redelivered or duplicated task finds it claimed and
stops. A send that fails releases the claim and retries with backoff; a worker killed
between the claim and the send loses that one email. Mail is a courtesy here; the
notification itself is the record, and a second copy of a message is worse than none.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from media_graph.models import Notification
from project import rates
from project.celery import enqueue_after_commit
from project.email import MAIL_ERRORS
from users.models import User
from users.querysets import hears_from

logger = logging.getLogger(__name__)


def _one_line(text: str) -> str:
    # A display name is the user's to write: no line break may reach a header (Django
    # would refuse the message, and a newline there is how headers are injected).
    return " ".join(text.split())


def wants_email(user_id: int, actor_id: int) -> bool:
    """The user is active, has an address, has not turned notification email off, and
    hears from `actor_id` (not muted; no block between them: users/querysets.py)."""
    return (
        User.objects.filter(
            hears_from(actor_id),
            pk=user_id,
            is_active=True,
            email_notifications=True,
        )
        .exclude(email="")
        .exists()
    )


def message_for(notification: Notification) -> EmailMessage:
    actor = _one_line(notification.actor.display_name) or notification.actor.username
    if notification.kind == Notification.Kind.FOLLOWED:
        subject = f"{actor} started following you"
        body = f"{actor} (@{notification.actor.username}) started following you."
    else:
        subject = f"{actor} commented on your photo"
        text = notification.comment.text if notification.comment else ""
        body = f"{actor} (@{notification.actor.username}) commented on your photo:\n\n{text}"
    body += "\n\nTurn these emails off with updateProfile(input: {emailNotifications: false}).\n"
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )


def _claim(notification_id: int) -> Notification | None:
    """The notification, now claimed for its email; None when it is gone or claimed."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return None
    return (
        Notification.objects.select_related("actor", "recipient", "comment")
        .filter(pk=notification_id)
        .first()
    )


def _release(notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id).update(emailed_at=None)


def dedupe_key(notification: Notification) -> str:
    """What makes two emails the same one: actor, recipient, kind and subject."""
    subject = notification.photo_id or notification.album_id or ""
    return (
        f"notification-email:{notification.actor_id}:{notification.recipient_id}:"
        f"{notification.kind}:{subject}"
    )


def send_notification_email(notification_id: int) -> bool:
    """Send the notification's email if it is still wanted; answers whether one went."""
    notification = _claim(notification_id)
    if notification is None:
        return False
    if not (
        notification.actor.is_active
        and wants_email(notification.recipient_id, notification.actor_id)
    ):
        return False  # claimed all the same: nothing to send later either
    key = dedupe_key(notification)
    if not rates.first_in(key, settings.NOTIFICATION_EMAIL_DEDUPE_SECONDS):
        return False  # the same email went within the hour (or the store cannot say)
    try:
        message_for(notification).send()
    except Exception:
        rates.forget(key)
        _release(notification_id)
        raise
    return True


def _send_inline(notification_id: int) -> None:
    # One try without a worker. The change has committed: whatever happens to its email,
    # the request still answers it.
    try:
        send_notification_email(notification_id)
    except MAIL_ERRORS as exc:
        logger.error("could not send the email for notification %s: %s", notification_id, exc)
    except Exception:
        logger.exception("the email for notification %s failed", notification_id)


def queue_notification_email(notification_id: int) -> None:
    """After commit: a task mails this notification (inline: one try, failure logged)."""
    enqueue_after_commit(
        "notifications.send_email", [notification_id], inline=lambda: _send_inline(notification_id)
    )
