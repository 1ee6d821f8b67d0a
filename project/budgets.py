"""Token buckets of cost points: what a viewer may spend on GraphQL operations.

A bucket holds at most `maximum` points and refills at `rate` points a second; `debit`
restores it by the time elapsed since it was last written, takes `cost` if that much
is left, and answers what is left and, when it is not, how long until it would be.

The buckets live in the counting store (project/stores.py), beside the login throttles:
- Redis: one Lua script per debit (EVALSHA), so restore-and-take is atomic across every web
  process, in one round trip. The clock is Redis's own (TIME): web processes whose
  clocks disagree would otherwise refill a bucket by their skew.
- In-process (no REDIS_URL): the same arithmetic under a lock, in the store's own
  bounded dict (refusing, not evicting, when full), so a test's `clear()` empties it.

A bucket is only written when points are taken, and expires once it would be full
again: a missing bucket is a full one, so idle viewers hold no keys. A store that cannot
answer raises CannotCount: the caller refuses (fail closed).
"""

import hashlib
import math
import threading
import time
from dataclasses import dataclass

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import NoScriptError

from project.stores import CannotCount, counting

__all__ = ["CannotCount", "Status", "debit"]

# Django's Redis cache, reached into for its connection pool (fenced: schema/engine).
PRIVATE_NAMES = (
    "django.core.cache.backends.redis.RedisCache._cache",
    "django.core.cache.backends.redis.RedisCacheClient._get_connection_pool",
)


@dataclass(frozen=True)
class Status:
    taken: bool  # the cost was debited
    available: float  # points left after the debit (or, refused, before it)
    wait: float  # seconds until the cost would fit; 0 when taken


# KEYS[1]: the bucket. ARGV: maximum, rate (points/s), cost. Answers {taken, available,
# wait}; numbers as strings, since Redis truncates a script's Lua numbers to integers.
_LUA = """
local maximum = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'available', 'at')
local available = maximum
if state[1] and state[2] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  available = math.min(maximum, tonumber(state[1]) + elapsed * rate)
end
if cost > available then
  return {0, tostring(available), tostring((cost - available) / rate)}
end
if cost > 0 then
  available = available - cost
  redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((maximum - available) / rate * 1000) + 1000)
end
return {1, tostring(available), '0'}
"""

_SHA = hashlib.sha1(_LUA.encode()).hexdigest()  # what EVALSHA names it by
_lock = threading.Lock()


def debit(key: str, cost: int, *, maximum: int, rate: float) -> Status:
    """Take `cost` points from the bucket `key` if it holds them; CannotCount without a store."""
    with counting() as store:
        if isinstance(store, RedisCache):
            return _redis_debit(store, key, cost, maximum, rate)
        return _local_debit(store, key, cost, maximum, rate)


def _redis_debit(store: RedisCache, key: str, cost: int, maximum: int, rate: float) -> Status:
    full_key = store.make_key(key)  # ours: nothing to validate
    pool = store._cache._get_connection_pool(write=True)  # Django's, made once per store
    # One command on a pooled connection, past redis-py's command layer (its retries,
    # its observability hooks, Script's checks): that layer cost more CPU than the round
    # trip itself (bench budget_overhead). The pool still checks the connection is live.
    connection = pool.get_connection()
    try:
        try:
            reply = _evalsha(connection, full_key, cost, maximum, rate)
        except NoScriptError:  # a restarted (or flushed) Redis: load it, once
            connection.send_command("SCRIPT", "LOAD", _LUA)
            connection.read_response()
            reply = _evalsha(connection, full_key, cost, maximum, rate)
    except BaseException:
        connection.disconnect()  # a half-read reply must not reach the next user
        raise
    finally:
        pool.release(connection)
    taken, available, wait = reply
    return Status(bool(taken), float(available), float(wait))


def _evalsha(connection, key: str, cost: int, maximum: int, rate: float):
    connection.send_command("EVALSHA", _SHA, 1, key, maximum, rate, cost)
    return connection.read_response()


def _local_debit(store, key: str, cost: int, maximum: int, rate: float) -> Status:
    with _lock:
        now = time.monotonic()  # one process: its monotonic clock is the bucket's
        state = store.get(key)
        available = float(maximum)
        if state is not None:
            left, at = state
            available = min(available, left + max(0.0, now - at) * rate)
        if cost > available:
            return Status(False, available, (cost - available) / rate)
        if cost > 0:
            available -= cost
            # Raises StoreFull (CannotCount) when the store holds its most keys.
            store.set(key, (available, now), timeout=math.ceil((maximum - available) / rate) + 1)
        return Status(True, available, 0.0)
