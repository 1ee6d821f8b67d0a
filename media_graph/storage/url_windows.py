"""Signed media URLs that stay the same for a window of time.

A URL signed afresh on every answer changes every second: Apollo's cache sees a changed
field and the browser's HTTP cache (keyed on the whole URL) misses. So every signature
here is made for a time bucket instead of the current second: every answer within one
window (MEDIA_URL_MAX_AGE seconds, aligned to the epoch) carries the same URL, and that
URL stays valid for one more whole window after its own ends, so a URL handed out at
the last second of a window still works for at least a window (between 1x and 2x).
"""

import time

from django.conf import settings

# Stored media never change under a key (keys are never reused for other bytes), so a
# browser may keep them for a year without asking again; `private`: they are signed
# for a viewer, and shared caches (proxies, CDNs) have no business keeping them.
CACHE_CONTROL = "private, max-age=31536000, immutable"


def now() -> float:
    """The clock every signature reads (tests freeze it here)."""
    return time.time()


def window_start(at: float | None = None) -> int:
    """The start (epoch seconds) of the window `at` falls in."""
    at = now() if at is None else at
    length = settings.MEDIA_URL_MAX_AGE
    return int(at // length) * length


def expires_at(at: float | None = None) -> int:
    """When a URL signed in the window of `at` stops working: one window after its end."""
    return window_start(at) + 2 * settings.MEDIA_URL_MAX_AGE


def seconds_left_in_window(at: float | None = None) -> int:
    """How long an answer pointing at a URL of this window may be cached (a redirect)."""
    at = now() if at is None else at
    return max(0, window_start(at) + settings.MEDIA_URL_MAX_AGE - int(at))
