"""Requests in flight while a fault happens: a burst from a few threads, and what a
client may be answered meanwhile (a code, never a bare 500 page)."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from tests.cluster.api import Answer


def burst(calls: list[Callable[[], Answer]], *, threads: int, fault: Callable[[], None],
          after: int) -> list[Answer | Exception]:  # fmt: skip
    """Run `calls` from `threads` threads; once `after` of them have answered, `fault()`
    runs (in its own thread, while the rest go on). Each call's answer, or the exception
    its client met (a connection refused by a killed process), in order."""
    answered = threading.Semaphore(0)

    def run(call):
        try:
            return call()
        except Exception as exc:  # a client's view: the connection broke
            return exc
        finally:
            answered.release()

    def trigger():
        for _ in range(after):
            answered.acquire()
        fault()

    with ThreadPoolExecutor(threads + 1) as pool:
        faulting = pool.submit(trigger)
        futures = [pool.submit(run, call) for call in calls]
        results = [future.result() for future in futures]
        faulting.result()
    return results


def is_coded(answer: Answer) -> bool:
    """A JSON answer whose every error carries a code (a payload's OperationInfo has
    codes by its type), whatever the HTTP status."""
    if "_raw" in answer.body:
        return False
    errors = answer.body.get("errors") or []
    return all(error.get("extensions", {}).get("code") for error in errors)
