"""Subscriptions held per viewer across every realtime process: leases in the counting store.

A viewer's slots are the keys `live-slot:<viewer>:<n>`, n below
MAX_SUBSCRIPTIONS_PER_VIEWER, each taken with an atomic add and held as a lease: this
process renews the leases it holds every LIVE_RECHECK_SECONDS, so the slots of a process
that died free themselves within three periods. They live in the counting store
(project/stores.py: Redis when REDIS_URL is set, which every process shares; else this
process's memory), and fail closed: a store that cannot count refuses the subscription.
"""

import asyncio
import contextlib
import random
import uuid

from django.conf import settings

from live.streams import in_thread
from project.stores import CannotCount, counting
from users import throttle


def viewer_key(user, request) -> str:
    if user.is_authenticated:
        return f"user:{user.pk}"
    # Behind TRUSTED_PROXY_COUNT proxies, the client's, as the throttles read it.
    return f"address:{throttle.client_address(request)}"


def _lease() -> int:
    return max(3, round(3 * settings.LIVE_RECHECK_SECONDS))


class Slots:
    """Every method but `renewing` runs in the ORM's thread (the store's calls block)."""

    def __init__(self) -> None:
        self.held: dict[str, str] = {}  # slot key -> this holder's mark
        self._renewer: asyncio.Task | None = None

    def take(self, viewer: str) -> str | None:
        """A slot of `viewer`'s, or None when all are held; raises CannotCount."""
        mark, limit = uuid.uuid4().hex, settings.MAX_SUBSCRIPTIONS_PER_VIEWER
        start = random.randrange(limit) if limit else 0  # a free one is found in a few tries
        with counting() as store:
            for n in range(limit):
                key = f"live-slot:{viewer}:{(start + n) % limit}"
                if store.add(key, mark, timeout=_lease()):
                    self.held[key] = mark
                    return key
        return None

    def give_back(self, key: str) -> None:
        self.held.pop(key, None)
        # Not counted any more here; a store that is down lets the lease run out.
        with contextlib.suppress(CannotCount), counting() as store:
            store.delete(key)

    def renew(self) -> None:
        with contextlib.suppress(CannotCount), counting() as store:
            for key in list(self.held):
                store.touch(key, _lease())

    def renewing(self) -> None:
        """Start this event loop's renewals, once (call from the loop)."""
        loop = asyncio.get_running_loop()
        task = self._renewer
        if task is None or task.done() or task.get_loop() is not loop:
            self._renewer = loop.create_task(self._renew_forever())

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(settings.LIVE_RECHECK_SECONDS)
            await in_thread(self.renew)


SLOTS = Slots()
