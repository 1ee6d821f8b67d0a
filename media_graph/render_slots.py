"""How many variant renders one process runs at once, and one render per variant at a time.

A render decodes an original of up to MAX_IMAGE_PIXELS: a burst of first fetches of
new variant URLs would otherwise take every web thread and as much memory as they ask
for. Past MAX_CONCURRENT_RENDERS the view answers 503 with Retry-After (the client
comes back; most variants are made ahead by the worker anyway) rather than queueing
without limit. Fetches of a variant already being rendered in this process wait for
that render instead of starting their own (they hold no slot); across processes two
renders of one variant may race, and the insert decides (media_graph.variants).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

# How long a fetch waits for another thread's render of the same variant before it
# tries itself: longer than a render of the largest original takes.
WAIT_SECONDS = 60

_lock = threading.Lock()
_busy = 0
_in_flight: dict[tuple, threading.Event] = {}


class RendersBusy(Exception):
    """Every render slot of this process is taken: try again shortly (503)."""


@contextmanager
def render_slot() -> Iterator[None]:
    """Hold one of the process's MAX_CONCURRENT_RENDERS slots, or raise RendersBusy."""
    global _busy
    with _lock:
        if _busy >= settings.MAX_CONCURRENT_RENDERS:
            raise RendersBusy()
        _busy += 1
    try:
        yield
    finally:
        with _lock:
            _busy -= 1


@contextmanager
def single_flight(key: tuple) -> Iterator[bool]:
    """True for the one thread that renders `key` now; the others wait for it to end and
    get False (then they look for its row, and render themselves if it left none)."""
    with _lock:
        running = _in_flight.get(key)
        if running is None:
            _in_flight[key] = done = threading.Event()
    if running is not None:
        running.wait(WAIT_SECONDS)
        yield False
        return
    try:
        yield True
    finally:
        with _lock:
            del _in_flight[key]
        done.set()
