"""7. HTTP: gunicorn (gthread, 1 worker, 4 threads) serving feed(first: 20).

A bounded local load: a fixed number of requests from a few client threads in this
process, each on its own keep-alive connection to 127.0.0.1 (nothing else is
contacted). Reports requests per second against the same request called in-process
one after another (wall clock, the same app and data), and p99/p50 latency.
Informational: no target.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.measure import Line
from bench.scenarios.common import data_of
from bench.scenarios.feed import QUERY

NAME = "http"
CLIENTS = 4
BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self) -> None:
        self.port = _free_port()
        self.log = BASE_DIR / "var" / "bench-gunicorn.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "project.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--worker-class", "gthread",
            "--workers", "1",
            "--threads", "4",
        ]  # fmt: skip
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _load(port: int, body: bytes, headers: dict, count: int) -> tuple[list[float], float]:
    """`count` requests split over CLIENTS keep-alive connections: latencies and wall time."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        try:
            for _ in range(n):
                started = time.perf_counter()
                connection.request("POST", "/graphql/", body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                mine.append(time.perf_counter() - started)
                if response.status != 200 or b'"errors"' in payload:
                    failures.append(f"{response.status} {payload[:200]!r}")
                    return
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)

    shares = [count // CLIENTS + (i < count % CLIENTS) for i in range(CLIENTS)]
    threads = [threading.Thread(target=client, args=(n,)) for n in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise AssertionError(f"HTTP feed request failed: {failures[0]}")
    return latencies, wall


def run(ctx) -> list[Line | str]:
    count = ctx.runs(500, 100)
    body = json.dumps({"query": QUERY, "variables": {"first": 20}}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"JWT {ctx.token}"}

    with Gunicorn() as server:
        _load(server.port, body, headers, CLIENTS * 5)  # warm-up: every thread, every path
        latencies, wall = _load(server.port, body, headers, count)
    http_rps = count / wall
    p50 = statistics.median(latencies)
    p99 = statistics.quantiles(latencies, n=100)[98]

    app = ctx.app
    data_of(app.call(app.graphql(QUERY, {"first": 20}, token=ctx.token)), "feed in-process")
    inline = ctx.runs(200, 50)
    environs = [app.graphql(QUERY, {"first": 20}, token=ctx.token) for _ in range(inline)]
    started = time.perf_counter()
    for environ in environs:
        app.call(environ)
    inline_rps = inline / (time.perf_counter() - started)

    return [
        f"#   http: {count} requests, {CLIENTS} client threads (keep-alive) -> gunicorn "
        f"gthread 1 worker x 4 threads on 127.0.0.1:{server.port}",
        Line(
            "http_feed20",
            f"{http_rps:.1f} rps",
            f"in-process, sequential {inline_rps:.1f} rps",
            http_rps / inline_rps,
            "-",
            "info",
        ),
        Line(
            "http_latency",
            f"p99 {p99 * 1000:.1f} ms",
            f"p50 {p50 * 1000:.1f} ms",
            p99 / p50,
            "-",
            "info",
        ),
    ]
