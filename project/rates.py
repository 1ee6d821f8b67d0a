"""Per-actor rates: how many of one kind of write someone may make per window.

One counter per (rate, actor) in the counting store (project/stores.py), over a sliding
window estimated from two fixed ones: the current window's count plus the previous one's,
weighted by how much of it still lies within the last `window` seconds. So a burst at a
window's edge gets no second allowance, and each take is a single INCR (atomic across
workers, no script).

A service takes one unit before it writes (`spend`), gives it back when the write turned
out to change nothing (an idempotent repeat: liking a liked photo, following someone
followed) or failed, and refuses with `rate_limited` past the limit. Each alias of a
request is one take. A store that cannot count refuses too (fail closed).

Each rate's limit is a setting, read at each take (tests change them).
"""

import hashlib
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from project import metrics
from project.codes import PayloadCode
from project.stores import STORE_ERRORS, CannotCount, counting, store

HOUR = 3600
_PER = {HOUR: "hour", 60: "minute"}


@dataclass(frozen=True)
class Rate:
    name: str  # part of the counter's key
    setting: str  # the setting that holds the limit per window
    window: int  # seconds
    what: str  # for the message: "You have <what> ..."

    @property
    def limit(self) -> int:
        return getattr(settings, self.setting)


FOLLOWS = Rate("follows", "RATE_FOLLOWS_PER_HOUR", HOUR, "followed too many people")
LIKES = Rate("likes", "RATE_LIKES_PER_HOUR", HOUR, "liked too many photos")
COMMENTS = Rate("comments", "RATE_COMMENTS_PER_HOUR", HOUR, "commented too often")
ALBUM_MEMBERS = Rate(
    "album-members", "RATE_ALBUM_MEMBERS_PER_HOUR", HOUR, "shared albums with too many people"
)
# Per address asked for (not per account: the answer must not tell the two apart).
PASSWORD_RESETS = Rate(
    "password-resets", "PASSWORD_RESET_EMAILS_PER_HOUR", HOUR, "asked for too many reset links"
)
REPORTS = Rate("reports", "RATE_REPORTS_PER_HOUR", HOUR, "sent too many reports")
ACCESS_TOKENS = Rate(
    "access-tokens", "RATE_ACCESS_TOKENS_PER_HOUR", HOUR, "created too many access tokens"
)
PERSISTED_QUERIES = Rate(
    "apq-registrations",
    "GRAPHQL_PERSISTED_QUERY_REGISTRATIONS_PER_MINUTE",
    60,
    "registered too many persisted queries",
)


class RateLimited(ValidationError):
    """Past the rate (or the store cannot count): the payload answers `rate_limited`."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, code=PayloadCode.RATE_LIMITED)
        self.retry_after = retry_after


def _key(rate: Rate, actor: int | str, window: int) -> str:
    # Hashed: an address or other client-sent text never becomes a raw key.
    who = hashlib.sha256(str(actor).encode()).hexdigest()[:32]
    return f"rate:{rate.name}:{who}:{window}"


@dataclass
class Charge:
    """One unit taken from a rate; `refund` gives it back (a no-op write, a failed one)."""

    key: str | None  # None once refunded

    def refund(self) -> None:
        if self.key is None:
            return
        key, self.key = self.key, None
        # Expired, or the store is down: counting one too many is the safe side.
        with suppress(*STORE_ERRORS, ValueError):
            store().decr(key)


def take(rate: Rate, actor: int | str) -> Charge:
    """Take one unit of `rate` for `actor`; RateLimited past the limit or without a store."""
    now = time.time()
    window, into = divmod(now, rate.window)
    window = int(window)
    key = _key(rate, actor, window)
    try:
        with counting() as counts:
            # Each window's counter lives two windows: the next one weighs it.
            counts.add(key, 0, timeout=2 * rate.window)
            count = counts.incr(key)
            previous = counts.get(_key(rate, actor, window - 1), 0)
    except (CannotCount, ValueError):  # ValueError: expired between add and incr
        metrics.rate_limited(rate.name)
        raise RateLimited(
            "Cannot count this right now; try again in a minute.", retry_after=60
        ) from None
    weight = 1 - into / rate.window
    if previous * weight + count > rate.limit:
        Charge(key).refund()
        wait = rate.window - into if count > rate.limit else _wait(previous, count, rate, into)
        metrics.rate_limited(rate.name)
        raise RateLimited(
            f"You have {rate.what} in the last {_PER.get(rate.window, _span(rate.window))}: "
            f"try again in {_span(wait)}.",
            retry_after=wait,
        )
    return Charge(key)


def _wait(previous: int, count: int, rate: Rate, into: float) -> float:
    # When the previous window's weight will have fallen enough for one more.
    room = rate.limit - count  # >= 0 here, and previous * weight > room
    needed_weight = room / previous
    return max(1.0, (1 - needed_weight) * rate.window - into)


def _span(seconds: float) -> str:
    if seconds >= 120:
        return f"{math.ceil(seconds / 60)} min"
    return f"{max(1, math.ceil(seconds))} s"


@contextmanager
def spend(
    rate: Rate, actor: int | str, *, repeat: Callable[[], bool] | None = None
) -> Iterator[Charge | None]:
    """Take one unit for the block; it is given back if the block raises.

    Past the limit, `repeat()` (asked then only: it costs a query) says whether the
    write would change nothing; then the block gets None instead of a refusal, so an
    idempotent repeat answers as before, at the limit too.
    """
    try:
        charge = take(rate, actor)
    except RateLimited:
        if repeat is not None and repeat():
            yield None
            return
        raise
    try:
        yield charge
    except BaseException:
        charge.refund()
        raise


def first_in(key: str, seconds: int) -> bool:
    """Whether this is the first time `key` is claimed in `seconds` (email dedupe).

    False when the store cannot say: a message that might repeat is not sent.
    """
    try:
        with counting() as counts:
            return counts.add(f"once:{key}", 1, timeout=seconds)
    except CannotCount:
        return False


def forget(key: str) -> None:
    """Release a `first_in` claim (what it guarded did not happen after all)."""
    with suppress(*STORE_ERRORS):
        store().delete(f"once:{key}")
