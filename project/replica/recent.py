"""Read-your-writes markers: "this viewer (or client address) wrote a moment ago".

Kept in the counting store (project/stores.py: REDIS_URL, never evicted, so a marker
is not pushed out early; per-process memory without Redis) for
READ_YOUR_WRITES_SECONDS, so every web process sees them. Set once at the end of a
request that wrote (one round trip: one SET with a TTL); read at a
query's first database read (one MGET). A store that does not answer is taken as "wrote":
the primary is always right, the replica only usually.
"""

import logging

from django.conf import settings

from project.stores import STORE_ERRORS, store

logger = logging.getLogger(__name__)

PREFIX = "ryw:"


def keys_for(user_pk: int | None, address: str) -> tuple[str, ...]:
    """The markers of a request: its signed-in user's, else its client address's (an
    anonymous write, then an anonymous read from the same place). Not both: clients
    behind one address (an office, a carrier's NAT) would pin each other to the primary."""
    if user_pk is not None:
        return (f"{PREFIX}u:{user_pk}",)
    return (f"{PREFIX}a:{address}",)


def wrote_recently(keys: tuple[str, ...]) -> bool:
    if settings.READ_YOUR_WRITES_SECONDS <= 0 or not keys:
        return False
    try:
        return bool(store().get_many(keys))
    except STORE_ERRORS as exc:
        logger.warning("read-your-writes markers unreadable (%s): reading the primary", exc)
        return True


def mark(keys: tuple[str, ...]) -> None:
    seconds = settings.READ_YOUR_WRITES_SECONDS
    if seconds <= 0 or not keys:
        return
    try:
        store().set_many(dict.fromkeys(keys, 1), timeout=seconds)
    except STORE_ERRORS as exc:
        # The write is committed; only its author's next reads may lag for a moment.
        logger.warning("read-your-writes marker not kept (%s)", exc)
