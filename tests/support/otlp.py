"""A real OTLP/HTTP trace receiver for tests: POST /v1/traces, protobuf bodies, decoded.

It answers as a collector does (200 with an empty ExportTraceServiceResponse) and keeps
every span it was sent with its service's name, so a test can wait for the spans a
server or a worker exported (`wait_for`) instead of sleeping.
"""

import gzip
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    kind: int  # opentelemetry.proto Span.SpanKind (1 internal, 2 server, 3 client, ...)
    trace_id: str  # hex
    span_id: str
    parent_id: str  # "" for a root span
    attributes: dict

    def __str__(self) -> str:
        return f"{self.service}: {self.name} ({self.trace_id[:8]}/{self.span_id[:8]})"


def _value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


def decode(body: bytes) -> list[ReceivedSpan]:
    request = ExportTraceServiceRequest.FromString(body)
    spans = []
    for resource_spans in request.resource_spans:
        resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append(
                    ReceivedSpan(
                        service=resource.get("service.name", ""),
                        name=span.name,
                        kind=span.kind,
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_id=span.parent_span_id.hex(),
                        attributes={a.key: _value(a.value) for a in span.attributes},
                    )
                )
    return spans


class OtlpReceiver:
    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self.requests = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path != "/v1/traces":
                    self.send_error(404)
                    return
                spans = decode(body)
                with receiver._lock:
                    receiver.spans.extend(spans)
                    receiver.requests += 1
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "OtlpReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def env(self, **extra: str) -> dict[str, str]:
        """The OTEL_* variables that send a process's spans here, at once."""
        return {
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "50",  # milliseconds: spans arrive while a test waits
            "OTEL_TRACES_SAMPLER": "parentbased_always_on",
            **extra,
        }

    def received(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self.spans)

    def wait_for(self, check, *, timeout: float = 20, what: str = "") -> list[ReceivedSpan]:
        """Poll until `check(span)` holds for some span received; those spans."""
        deadline = time.monotonic() + timeout
        while True:
            found = [span for span in self.received() if check(span)]
            if found:
                return found
            if time.monotonic() > deadline:
                names = "\n".join(str(span) for span in self.received()) or "none"
                pytest.fail(
                    f"waited {timeout:.0f}s for {what or check}; received:\n{names}",
                    pytrace=False,
                )
            time.sleep(0.05)
