from django.conf import settings
from django.db import models

from media_graph.querysets import NotificationQuerySet


class Notification(models.Model):
    """Something another user did to the recipient's things: a follow (or a request to
    follow, or its approval), a like, a comment, an album share. Written in the
    transaction of the edge that causes it, and removed with that edge while still unread
    (media_graph/services/notifications.py)."""

    class Kind(models.TextChoices):
        FOLLOWED = "FOLLOWED"
        LIKED = "LIKED"
        COMMENTED = "COMMENTED"
        ALBUM_SHARED = "ALBUM_SHARED"
        FOLLOW_REQUESTED = "FOLLOW_REQUESTED"  # to a private account's owner
        FOLLOW_ACCEPTED = "FOLLOW_ACCEPTED"  # to the requester, by the owner who approved

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # A notification about a photo or an album goes with it; one about a comment stays
    # (read) when the comment is deleted, saying someone commented.
    photo = models.ForeignKey(
        "media_graph.Photo", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "media_graph.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    album = models.ForeignKey(
        "media_graph.Album", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    read = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when its email was handed to the mail server (or given up on): one email each.
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(actor=models.F("recipient")), name="notification_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recent"),
            # unreadNotificationsCount and `unreadOnly`: only the unread rows are indexed.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=models.Q(read=False),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} by {self.actor_id}"
