"""The counting store: where login throttles, rate buckets and email dedupe keys live.

The cache alias `throttles` (settings.CACHES): REDIS_URL, whose Redis must never evict
(`maxmemory-policy noeviction`, as docker-compose.yml runs it), so a count cannot be
pushed out by anything else; the LRU cache and persisted queries are on REDIS_CACHE_URL.
Without Redis it is the process's memory (`NonEvictingLocMemCache`).

Whoever counts here fails closed: when the store cannot count (Redis down, or refusing
writes when full), `counting()` raises CannotCount, and the caller refuses what it was
counting rather than let it through uncounted.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

ALIAS = "throttles"


class StoreFull(Exception):
    """The in-memory store holds MAX_ENTRIES live keys: it refuses, as Redis's noeviction."""


class CannotCount(Exception):
    """The counting store did not answer or refused a write: refuse what was counted."""


# What a store that cannot count raises: Redis down, timing out, or out of memory
# (noeviction answers writes with an OOM error); the in-memory store when full.
STORE_ERRORS = (RedisError, OSError, StoreFull)


def store() -> BaseCache:
    return caches[ALIAS]


@contextmanager
def counting() -> Iterator[BaseCache]:
    """The store, with every failure of it turned into CannotCount."""
    try:
        yield store()
    except STORE_ERRORS as exc:
        raise CannotCount(str(exc) or type(exc).__name__) from exc


class NonEvictingLocMemCache(LocMemCache):
    """Django's in-memory cache, except that a full one refuses instead of evicting.

    LocMemCache culls a third of its keys when full: a flood of new keys would push out
    the counts that hold someone back. Expired keys go first; if it is still full, a
    write raises StoreFull and the caller fails closed.
    """

    def _cull(self) -> None:
        now = time.time()
        for key in [
            key for key, expiry in self._expire_info.items() if expiry is not None and expiry <= now
        ]:
            self._delete(key)
        if len(self._cache) >= self._max_entries:
            raise StoreFull(f"the counting store holds {self._max_entries} keys")
