"""The outbox: every live event, written in the transaction of the change it tells of.

A row is the one source of an event (live/outbox.py publishes it after commit; a
subscription replays rows it missed). Its id orders events and lets a subscriber drop
one it already delivered (a row published twice after a crash).
"""

from django.db import models


class OutboxEvent(models.Model):
    # "notification.<recipient id>", "photo.<photo id>", "comments.<photo id>"
    topic = models.CharField(max_length=64)
    # The row the event is about (the notification, the photo, the comment).
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once handed to the channel layer; rows still null are republished.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Replay: a topic's events after a point, in order.
            models.Index(fields=["topic", "object_id"], name="outbox_topic_object"),
            models.Index(fields=["created_at"], name="outbox_created"),
            models.Index(
                fields=["id"],
                condition=models.Q(published_at__isnull=True),
                name="outbox_unpublished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.object_id} (event {self.pk})"
