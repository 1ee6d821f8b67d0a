"""One channel-layer channel per process, fanned out to its subscriptions.

A channel per subscription cost a Redis subscription (two, with its group), their
unsubscribes at the end, and a reader task each. Here the process joins a topic's group once, for
its first local subscriber, leaves it with its last, and one pump hands each message to
the local subscribers of its topic. Each subscriber's buffer is bounded
(LIVE_QUEUE_SIZE): one that falls behind gets OVERFLOW and nothing more.
"""

import asyncio
import contextlib
import logging
import weakref
from dataclasses import dataclass

from channels.layers import get_channel_layer
from django.conf import settings

from live import outbox

logger = logging.getLogger("live.hub")

OVERFLOW = object()


@dataclass(frozen=True)
class Event:
    id: int
    object_id: int


class Subscriber:
    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.queue: asyncio.Queue = asyncio.Queue()  # bounded by `offer`
        self.overflowed = False

    def offer(self, event: Event) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= settings.LIVE_QUEUE_SIZE:
            # The consumer meets the marker after what it already has, and is cut off.
            self.overflowed = True
            self.queue.put_nowait(OVERFLOW)
            return
        self.queue.put_nowait(event)


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.pump: asyncio.Task | None = None
        self.topics: dict[str, set[Subscriber]] = {}
        self.lock = asyncio.Lock()

    async def join(self, subscriber: Subscriber) -> None:
        """Returns once the topic's events reach `subscriber` (its group is joined)."""
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self.pump = asyncio.create_task(self._pump())
            local = self.topics.setdefault(subscriber.topic, set())
            if not local:
                await self.layer.group_add(outbox.group_name(subscriber.topic), self.channel)
            local.add(subscriber)

    async def leave(self, subscriber: Subscriber) -> None:
        async with self.lock:
            local = self.topics.get(subscriber.topic)
            if local is None:
                return
            local.discard(subscriber)
            if not local:
                del self.topics[subscriber.topic]
                # A layer that is gone has forgotten the group already.
                with contextlib.suppress(Exception):
                    group = outbox.group_name(subscriber.topic)
                    await self.layer.group_discard(group, self.channel)

    async def _pump(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer failed (Redis down): try again shortly
                logger.warning("live events: receiving failed; retrying", exc_info=True)
                await asyncio.sleep(1)
                continue
            if message.get("type") != outbox.EVENT_TYPE:
                continue
            event = Event(int(message["id"]), int(message["object_id"]))
            for subscriber in list(self.topics.get(message.get("topic"), ())):
                subscriber.offer(event)


# One hub per event loop (uvicorn runs one; tests start several, one after another).
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def hub() -> Hub:
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub()
    return found
