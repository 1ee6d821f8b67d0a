"""One subscription's events: replayed from the outbox, then live from the channel layer.

The order that makes "each once, in order" hold: join the topic first (live/hub.py:
live events start to buffer), replay the rows after the client's point, then deliver the
buffer, dropping ids already delivered (replayed, or a row republished after a crash).
The buffer is bounded (LIVE_QUEUE_SIZE): a consumer that falls that far behind is cut
off (`SlowConsumer`) rather than buffered without bound. Every LIVE_RECHECK_SECONDS
without an event the stream yields `TICK`, so its owner re-checks what may have changed
without an event (a token signed out, a photo no longer visible).
"""

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from live import outbox
from live.hub import OVERFLOW, Event, Subscriber, hub

TICK = None
SEEN_IDS_KEPT = 4096
REPLAY_BATCH = 100


class SlowConsumer(Exception):
    """The subscription's buffer is full: its client reads slower than events come."""


class _Seen:
    """The ids delivered lately (bounded: a duplicate comes within seconds, not hours)."""

    def __init__(self) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()

    def add(self, event_id: int) -> bool:
        """False when `event_id` was delivered already."""
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > SEEN_IDS_KEPT:
            self._ids.popitem(last=False)
        return True


async def topic_events(
    topic: str, *, replay_after: int | None = None, recheck: float | None = None
) -> AsyncIterator[list[Event] | None]:
    """Events of `topic` (replayed after object id `replay_after` first), and TICKs.

    In batches, so that their rows are read with one query each: the replay in pages of
    REPLAY_BATCH, live events as many as are waiting.
    """
    subscriber = Subscriber(topic)
    await hub().join(subscriber)
    queue = subscriber.queue
    seen = _Seen()
    period = recheck or settings.LIVE_RECHECK_SECONDS
    try:
        if replay_after is not None:
            rows = await in_thread(outbox.replay, topic, replay_after)
            for start in range(0, len(rows), REPLAY_BATCH):
                batch = [Event(row.pk, row.object_id) for row in rows[start : start + REPLAY_BATCH]]
                for event in batch:
                    seen.add(event.id)
                yield batch
        while True:
            try:
                items = [await asyncio.wait_for(queue.get(), period)]
            except TimeoutError:
                yield TICK
                continue
            while not queue.empty() and len(items) < REPLAY_BATCH:
                items.append(queue.get_nowait())
            batch = [item for item in items if item is not OVERFLOW and seen.add(item.id)]
            if batch:
                yield batch
            if OVERFLOW in items:
                raise SlowConsumer(f"more than {settings.LIVE_QUEUE_SIZE} events waiting")
    finally:
        await hub().leave(subscriber)


def _fresh(fn, *args):
    # A long-lived thread keeps its connection: one the database dropped (a restart) or
    # older than CONN_MAX_AGE is replaced, as Django does per request.
    close_old_connections()
    return fn(*args)


async def in_thread(fn, *args):
    """`fn(*args)` in the thread the ORM runs in (Django's ORM is synchronous)."""
    return await sync_to_async(_fresh)(fn, *args)
