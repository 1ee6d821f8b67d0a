"""Login throttling: exponential backoff per username, a failure limit per address.

Per username: the first LOGIN_FAILURE_LIMIT failures cost nothing; after that, each
attempt must wait LOGIN_BACKOFF_BASE_SECONDS * 2**k since the last failure (k = the
failures past the limit), capped at LOGIN_BACKOFF_MAX_SECONDS. An attempt inside the
delay is refused without checking the password and without counting; a success resets.
So someone guessing the owner's password slows the owner down but cannot lock them out,
and guessing stays bounded (past the cap, one guess per LOGIN_BACKOFF_MAX_SECONDS).
The count lives until LOGIN_FAILURE_WINDOW_SECONDS pass without a failure.

Per address: LOGIN_FAILURE_IP_LIMIT failures in the window block the address for the
rest of it. The address is the client's, as `client_address` finds it behind
TRUSTED_PROXY_COUNT reverse proxies.

The counts live in the counting store (project/stores.py), which nothing evicts, and
fail closed: an attempt is counted as a failure before its password is checked (a
success takes it back), so a store that cannot write refuses the attempt
(CannotCount, answered RATE_LIMITED) before any password is compared. Otherwise a full
or absent store would let guesses through uncounted, and tell right from wrong.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.http import HttpRequest

from project.stores import CannotCount, counting

__all__ = ["CannotCount", "client_address", "login_failed", "login_succeeded", "login_wait"]

# How long one attempt past the limit holds its turn (see `_claim_turn`).
TURN_SECONDS = 60


def now() -> float:
    """The throttle's clock (Unix time); tests replace it to move time without sleeping."""
    return time.time()


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request`, for rate limits and logs.

    With TRUSTED_PROXY_COUNT = 0 (the default) it is REMOTE_ADDR and X-Forwarded-For is
    never read: any client can write that header. With N > 0 reverse proxies in front
    of the app, each appending the address it saw, it is the Nth entry from the right
    of X-Forwarded-For: what the outermost trusted proxy saw. Entries further left were
    written by the client and are ignored. A header with fewer than N entries means
    the request passed fewer proxies: its leftmost entry, written by a trusted proxy,
    is the furthest address known; with no header at all, REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if not forwarded:
        return remote
    return _normalized(forwarded[-min(trusted, len(forwarded))])


def _normalized(address: str) -> str:
    """One spelling per address (IPv6 zero runs, case), so it makes one throttle key."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address


def _key(kind: str, value: str, *, prefix: str = "login-failures") -> str:
    # Hashed so arbitrary user input never becomes a raw cache key.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"{prefix}:{kind}:{digest}"


def _last_failure_key(username: str) -> str:
    return _key("user", username, prefix="login-backoff")


def _count(cache, key: str) -> int:
    return cache.get(key, 0)


def _bump(cache, key: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)


def backoff_seconds(failures: int) -> float:
    """How long after the last failure the next attempt may come (0 below the limit)."""
    past_limit = failures - settings.LOGIN_FAILURE_LIMIT
    if past_limit < 0:
        return 0.0
    ceiling = settings.LOGIN_BACKOFF_MAX_SECONDS
    # Capped exponent: 2**k is huge long before k is, and the cap is what matters.
    return min(settings.LOGIN_BACKOFF_BASE_SECONDS * 2 ** min(past_limit, 64), ceiling)


def _claim_turn(cache, username: str, last_failure: float) -> bool:
    """Past the limit, only one attempt per delay checks a password, however many race.

    The turn is named by the last failure's time, which every failure changes, and taken
    with the cache's atomic add; the others are refused as if inside the delay. A turn
    whose attempt never reports back (a crash) is free again after TURN_SECONDS.
    """
    turn = f"{_key('turn', username, prefix='login-backoff')}:{last_failure!r}"
    return cache.add(turn, 1, timeout=TURN_SECONDS)


def login_wait(*, username: str, address: str) -> float | None:
    """None when a login attempt may check its password now, else seconds to wait.

    The wait is exact for the username's backoff and an upper bound for a blocked
    address (its count expires at most a window after its first failure).

    A None answer counts the attempt as the username's failure in advance (and, past
    the per-username limit, takes the one turn the delay allows), so the caller must
    report the attempt's outcome (`login_failed`/`login_succeeded`). CannotCount when
    the store cannot count: the caller refuses the attempt.
    """
    with counting() as cache:
        if _count(cache, _key("addr", address)) >= settings.LOGIN_FAILURE_IP_LIMIT:
            return float(settings.LOGIN_FAILURE_WINDOW_SECONDS)
        user_key = _key("user", username)
        failures = _count(cache, user_key)
        if failures >= settings.LOGIN_FAILURE_LIMIT:
            # Missing (evicted, or counted before backoff existed): the delay is over.
            last_failure = cache.get(_last_failure_key(username), 0.0)
            wait = last_failure + backoff_seconds(failures) - now()
            if wait > 0:
                return wait
            if not _claim_turn(cache, username, last_failure):
                # Another attempt has this turn; if it fails, the next delay runs from then.
                return backoff_seconds(failures + 1)
        # Counted as a failure now, before the password is checked: a store that
        # refuses this write refuses the attempt, one that fails later has counted it,
        # and racing attempts wait as if this one had failed.
        _bump(cache, user_key)
        cache.set(_last_failure_key(username), now(), timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return None


def login_failed(*, username: str, address: str) -> None:
    """The attempt `login_wait` let through failed (its username's count is taken)."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    with counting() as cache:
        # The username's count lives until a window passes without failures, so waiting
        # out the window from the first failure does not reset the backoff of a steady
        # guesser.
        cache.touch(_key("user", username), window)
        cache.set(_last_failure_key(username), now(), timeout=window)
        _bump(cache, _key("addr", address))


def login_succeeded(*, username: str) -> None:
    with counting() as cache:
        cache.delete_many([_key("user", username), _last_failure_key(username)])
