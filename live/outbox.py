"""Writing events and handing them to the channel layer.

`record_*` run inside the service's own transaction, so an event exists exactly when
the change does (a rolled-back write leaves neither). After commit the row is published
to its topic's group and marked published; `republish` (beat, every few seconds) sends
what a crash between commit and publish left behind, and `expire` drops rows past the
retention. A row published twice is harmless: subscribers drop an event id they already
delivered (live/streams.py).
"""

import asyncio
import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from live.models import OutboxEvent

logger = logging.getLogger("live.outbox")

# Rows younger than this are left to the publish after their own commit.
REPUBLISH_AFTER = timedelta(seconds=5)
REPUBLISH_BATCH = 500
EVENT_TYPE = "live.event"
PUBLISH_TIMEOUT = 2.0  # seconds, as the task broker's connection timeout


def notification_topic(recipient_id: int) -> str:
    return f"notification.{recipient_id}"


def photo_topic(photo_id: int) -> str:
    return f"photo.{photo_id}"


def comments_topic(photo_id: int) -> str:
    return f"comments.{photo_id}"


def group_name(topic: str) -> str:
    # Channels' group names: ASCII letters, digits, hyphens, periods, under 100 characters.
    return f"live.{topic}"


def record(topic: str, object_id: int) -> OutboxEvent:
    """An event about `object_id` on `topic`, in the caller's transaction, published after it."""
    event = OutboxEvent.objects.create(topic=topic, object_id=object_id)
    transaction.on_commit(lambda: publish([event]))
    return event


def record_photo_changed(photo_id: int) -> OutboxEvent:
    return record(photo_topic(photo_id), photo_id)


def record_photos_changed(photo_ids) -> None:
    for photo_id in sorted(set(photo_ids)):
        record_photo_changed(photo_id)


def message(event: OutboxEvent) -> dict:
    return {"type": EVENT_TYPE, "topic": event.topic, "id": event.pk, "object_id": event.object_id}


def publish(events: list[OutboxEvent]) -> int:
    """Send `events` to their groups, then mark them sent; what fails stays for `republish`."""
    if not events:
        return 0
    try:
        async_to_sync(_send)(events)
    except Exception:  # the layer is down: the rows wait for republish
        logger.warning("live events not published; republish will retry", exc_info=True)
        return 0
    OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(published_at=timezone.now())
    return len(events)


async def _send(events: list[OutboxEvent]) -> None:
    layer = get_channel_layer()

    async def send_all() -> None:
        for event in events:
            await layer.group_send(group_name(event.topic), message(event))

    # A Redis that does not answer must not hold the request that committed: the rows
    # wait for `republish` instead.
    await asyncio.wait_for(send_all(), PUBLISH_TIMEOUT)


def republish(*, older_than: timedelta = REPUBLISH_AFTER) -> int:
    """Publish rows a crash left unpublished, oldest first (periodic, tasks/maintenance.py)."""
    cutoff = timezone.now() - older_than
    rows = list(
        OutboxEvent.objects.filter(published_at__isnull=True, created_at__lt=cutoff).order_by("id")[
            :REPUBLISH_BATCH
        ]
    )
    return publish(rows)


def expire() -> int:
    """Delete rows older than LIVE_EVENT_RETENTION_SECONDS (periodic, tasks/maintenance.py)."""
    cutoff = timezone.now() - timedelta(seconds=settings.LIVE_EVENT_RETENTION_SECONDS)
    deleted, _ = OutboxEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def replay(topic: str, after_object_id: int) -> list[OutboxEvent]:
    """A topic's events about objects after `after_object_id`, in order (a catch-up)."""
    limit = settings.LIVE_REPLAY_MAX_EVENTS
    return list(
        OutboxEvent.objects.filter(topic=topic, object_id__gt=after_object_id).order_by("id")[
            :limit
        ]
    )
