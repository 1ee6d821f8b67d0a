"""tracing_overhead: feed(first: 20) with tracing on, exporting, against tracing unset.

Unset: the app as it runs without OTEL_EXPORTER_OTLP_ENDPOINT (no middleware, no
operation span, the database cursor untraced). On: tracing installed as project/tracing.py
installs it (Django's middleware in a handler built after, the operation span, psycopg's
cursor), exporting over OTLP/HTTP to a receiver in a process of its own (a tiny server
answering 200 to /v1/traces, so its CPU is not counted), sampled as
OTEL_TRACES_SAMPLER=parentbased_traceidratio samples at 10% and at 100%.

Each sample is a block of BLOCK requests and then an export of what they queued (the
processor's flush), all inside the timed span: the export thread's CPU is this
process's, and a batch of BLOCK requests is smaller than the processor's own (so this is
the dearer side). The three cases interleave, one block each in turn.
Targets: 10% <= 1.03 of unset; 100% <= 1.10.

Run last: the instrumentations are process-wide while installed (they are taken out at
the end, but OpenTelemetry keeps its global provider for the process).
"""

import subprocess
import sys
import time
import urllib.request

from bench.measure import App, Line, at_most, interleave, median
from bench.scenarios.feed import QUERY

NAME = "tracing_overhead"
LIMITS = {"10%": 1.03, "100%": 1.10}
BLOCK = 5

RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200 if self.path == "/v1/traces" else 404)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def _receiver() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
    port = int(process.stdout.readline())
    endpoint = f"http://127.0.0.1:{port}/v1/traces"
    deadline = time.monotonic() + 10
    while True:  # answering before any span is sent
        try:
            request = urllib.request.Request(endpoint, data=b"", method="POST")
            urllib.request.urlopen(request, timeout=1).read()
            return process, endpoint
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)


def run(ctx) -> list[Line | str]:
    from django.db import connection
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.sampling import (
        ParentBased,
        Sampler,
        TraceIdRatioBased,
    )

    from project import tracing

    class Switched(Sampler):
        """The sampler of the case being measured (one provider serves all three)."""

        def __init__(self) -> None:
            self.sampler: Sampler = ParentBased(TraceIdRatioBased(1.0))

        def should_sample(self, *args, **kwargs):
            return self.sampler.should_sample(*args, **kwargs)

        def get_description(self) -> str:
            return "Switched"

    if tracing.installed():
        return ["# tracing_overhead: tracing is installed already (unset the OTEL_* variables)"]
    unset_app = ctx.app  # built before tracing: no OpenTelemetry middleware
    connection.ensure_connection()  # opened untraced, kept for the run (CONN_MAX_AGE None)
    raw = connection.connection
    plain_cursor = raw.cursor_factory

    receiver, endpoint = _receiver()
    switched = Switched()
    try:
        tracing.install(sampler=switched, exporter=OTLPSpanExporter(endpoint=endpoint))
        from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

        spans = tracing.operation_spans
        traced_app = App()  # built now: with Django's instrumentation middleware
        PsycopgInstrumentor.instrument_connection(raw)
        traced_cursor = raw.cursor_factory
        samplers = {
            "10%": ParentBased(TraceIdRatioBased(0.1)),
            "100%": ParentBased(TraceIdRatioBased(1.0)),
        }

        def block(case: str) -> float:
            on = case != "unset"
            # What differs between tracing set and unset, switched before the clock starts.
            tracing.operation_spans = spans if on else None
            raw.cursor_factory = traced_cursor if on else plain_cursor
            if on:
                switched.sampler = samplers[case]
            app = traced_app if on else unset_app
            requests = [app.graphql(QUERY, {"first": 20}, token=ctx.token) for _ in range(BLOCK)]
            started = time.process_time()
            for environ in requests:
                reply = app.call(environ)
                if reply.status != 200:
                    raise AssertionError(f"feed(first: 20) answered {reply.status}")
            if on:
                tracing.force_flush()
            return (time.process_time() - started) / BLOCK

        samples = interleave(
            {case: (lambda case=case: block(case)) for case in ("unset", "10%", "100%")},
            runs=ctx.runs(150, 40),
            warmup=ctx.runs(10, 3),
        )
    finally:
        tracing.operation_spans = None
        raw.cursor_factory = plain_cursor
        tracing.uninstall()
        receiver.kill()
        receiver.wait()
    unset = median(samples["unset"])
    return [
        at_most(f"tracing_overhead_{case.rstrip('%')}", median(samples[case]), unset, limit)
        for case, limit in LIMITS.items()
    ]
