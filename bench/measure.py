"""Calling the app in-process and measuring it: CPU time per request, interleaved, medians.

Every request goes through Django's WSGI handler (the whole middleware stack, URL
resolution, the view, the response), exactly as gunicorn would call it, minus the
socket. `time.process_time()` is the CPU time of this process (all its threads): the
database server's own work is not in it, SQLite's is (it runs in-process).
"""

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})


@dataclass
class Reply:
    status: int
    body: bytes
    cpu: float  # seconds of process CPU time for the whole request

    def json(self) -> Any:
        return json.loads(self.body)


class App:
    """The project's WSGI application (with bench/urls.py), called in-process."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.factory = RequestFactory()

    # -- building requests (never timed) ----------------------------------------------

    def environ(self, method: str, path: str, *, token: str | None = None, **kwargs) -> dict:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"JWT {token}"
        request = getattr(self.factory, method.lower())(path, headers=headers, **kwargs)
        return request.environ

    def graphql(self, query: str, variables: dict | None = None, *, token: str | None) -> dict:
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return self.environ(
            "POST", "/graphql/", token=token, data=json.dumps(body), content_type="application/json"
        )

    # -- calling ----------------------------------------------------------------------

    def call(self, environ: dict) -> Reply:
        status = []

        def start_response(line, headers, exc_info=None):
            status.append(int(line.split(" ", 1)[0]))

        started = time.process_time()
        response = self.handler(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()  # request_finished: what Django does after every request
        cpu = time.process_time() - started
        return Reply(status[0], body, cpu)

    def count_sql(self, environ: dict) -> tuple[int, Reply]:
        """The SQL statements one request runs (through Django's cursor), and its reply.

        Transaction control (BEGIN, COMMIT, ROLLBACK, which Django also logs) is not
        counted: each atomic block costs those whichever side runs it.
        """
        with CaptureQueriesContext(connection) as queries:
            reply = self.call(environ)
        statements = [q for q in queries.captured_queries if q["sql"] not in TRANSACTION_CONTROL]
        return len(statements), reply


def interleave(
    cases: dict[str, Callable[[], float]], *, runs: int, warmup: int
) -> dict[str, list[float]]:
    """Run each case `warmup` times, then `runs` times, rotating which goes first.

    A case is a callable that does one measured operation and answers its CPU seconds
    (it builds its request before starting the clock). Interleaving means a burst of
    noise on the machine hits every case alike instead of one case's whole series.
    """
    names = list(cases)
    for i in range(warmup):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            cases[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            samples[name].append(cases[name]())
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@dataclass
class Line:
    """One printed line: `name: value (baseline) ratio R target T PASS|FAIL|info`."""

    name: str
    value: str
    baseline: str
    ratio: float | None
    target: str
    verdict: str  # PASS, FAIL or info

    def __str__(self) -> str:
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}"
        return (
            f"{self.name}: {self.value} ({self.baseline}) ratio {ratio} "
            f"target {self.target} {self.verdict}"
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} us"


def at_most(name: str, value: float, baseline: float, limit: float, unit=ms) -> Line:
    ratio = value / baseline
    verdict = "PASS" if ratio <= limit else "FAIL"
    return Line(name, unit(value), unit(baseline), ratio, f"<= {limit:g}", verdict)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
