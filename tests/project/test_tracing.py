"""Tracing through real processes: gunicorn and a Celery worker exporting over OTLP/HTTP to
a receiver this module runs (tests/support/otlp.py), and a process with no endpoint set,
which must not load OpenTelemetry at all.

The stack shares one database, one Redis (the broker) and one S3 server (rclone), as in
compose. Without Redis the task test skips (under CI it fails: .ci/run starts one).
"""

import json
import os
import subprocess
import sys
import urllib.request

import pytest

from tests.support.images import make_jpeg
from tests.support.live import BASE_DIR, BIN, LiveServer, graphql_data, post_json, sign_up
from tests.support.otlp import OtlpReceiver
from tests.support.queue import flush, redis_url_or_skip, wait_for
from tests.support.realtime import upload_photo

SERVER, CLIENT, PRODUCER, CONSUMER = 2, 3, 4, 5  # the proto's SpanKind values
WORKER_OPTIONS = ["--pool", "prefork", "--concurrency", "1", "--loglevel", "WARNING"]
FEED = "query Feed($first: Int!) { feed(first: $first) { edges { node { id } } } }"


@pytest.fixture(scope="module")
def receiver():
    with OtlpReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def traced(receiver, s3_server, tmp_path_factory):
    """gunicorn with tracing on: S3 storage, no broker (uploads make thumbnails inline), and
    on PostgreSQL when the suite is (psycopg's spans)."""
    workdir = tmp_path_factory.mktemp("traced")
    env = {**receiver.env(), **_s3_env(s3_server)}
    server = LiveServer(workdir, extra_env=env, suite_database=True).start()
    yield server
    server.stop()


def _s3_env(s3_server) -> dict[str, str]:
    return {
        "AWS_STORAGE_BUCKET_NAME": s3_server.bucket,
        "AWS_S3_ENDPOINT_URL": s3_server.endpoint_url,
        "AWS_ACCESS_KEY_ID": s3_server.access_key,
        "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
    }


def _post(url: str, body: dict, headers: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _operation(span) -> bool:
    return span.attributes.get("graphql.operation.type") is not None


def test_a_named_operation_is_a_span_with_its_name_type_cost_and_sql_count(traced, receiver):
    token = sign_up(traced.url, "ada", "analytical-engine-1843", "ada@example.com")
    graphql_data(f"{traced.url}/graphql/", FEED, {"first": 7}, token=token)

    (span,) = receiver.wait_for(
        lambda s: s.attributes.get("graphql.operation.name") == "Feed", what="the Feed span"
    )
    assert span.name == "query Feed"
    assert span.service == "photo-graph"
    assert span.attributes["graphql.operation.type"] == "query"
    # feed 1, and 7 x (an edge 1, its node 1): as schema/server/cost.py counts it.
    assert span.attributes["graphql.cost"] == 15
    assert span.attributes["db.statement_count"] >= 1
    assert span.attributes["outcome"] == "ok"
    # Its parent is Django's request span, and its SQL statements are its children (they
    # end before it, so they were exported with it or before).
    if traced.postgres_database:
        statements = [s for s in receiver.received() if s.parent_id == span.span_id]
        assert {s.attributes.get("db.system") for s in statements} == {"postgresql"}
        assert len(statements) == span.attributes["db.statement_count"]
    # The request's span ends after the answer is sent: it may come in a later export.
    (request,) = receiver.wait_for(lambda s: s.span_id == span.parent_id, what="its request")
    assert request.kind == SERVER
    assert request.attributes["http.route"].startswith("graphql")


def test_a_refused_operation_says_so(traced, receiver):
    _, body = post_json(f"{traced.url}/graphql/", {"query": "query Broken { nothingHere }"})
    assert body["errors"]
    (span,) = receiver.wait_for(
        lambda s: s.attributes.get("graphql.operation.name") == "Broken", what="Broken"
    )
    assert span.attributes["outcome"] == "refused"
    assert "graphql.cost" not in span.attributes  # refused before its cost was computed


def test_an_incoming_traceparent_is_continued(traced, receiver):
    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    body = _post(
        f"{traced.url}/graphql/",
        {"query": "query Continued { __typename }"},
        {"traceparent": f"00-{trace_id}-{parent_id}-01"},
    )
    assert body["data"] == {"__typename": "Query"}
    (span,) = receiver.wait_for(
        lambda s: s.attributes.get("graphql.operation.name") == "Continued", what="Continued"
    )
    assert span.trace_id == trace_id
    # The request's span ends after the answer is sent: it may come in a later export.
    (request,) = receiver.wait_for(lambda s: s.span_id == span.parent_id, what="its request")
    assert request.parent_id == parent_id


def test_the_log_line_carries_the_trace_id(traced, receiver):
    _post(f"{traced.url}/graphql/", {"query": "query Logged { __typename }"}, {})
    (span,) = receiver.wait_for(
        lambda s: s.attributes.get("graphql.operation.name") == "Logged", what="Logged"
    )
    line = wait_for(
        lambda: next(
            (x for x in traced.log.read_text().splitlines() if "operation=Logged" in x), None
        ),
        what="the Logged line",
    )
    assert line.endswith(f" trace={span.trace_id}"), line


def test_an_upload_and_its_s3_calls_are_one_trace(traced, receiver):
    token = sign_up(traced.url, "grace", "cobol-compiler-1959", "grace@example.com")
    upload_photo(traced.url, token, make_jpeg(320, 240))
    puts = receiver.wait_for(
        lambda s: (
            s.attributes.get("rpc.service") == "S3"
            and s.attributes.get("rpc.method") == "PutObject"
        ),
        what="the upload's S3 writes",
    )
    (request,) = receiver.wait_for(
        lambda s: s.trace_id == puts[0].trace_id and s.kind == SERVER, what="the request span"
    )
    assert request.name == "POST graphql/"
    # The original's PUT under the operation's span; the thumbnail set (made inline, after
    # the commit) in the same request's trace.
    chains = [
        [s.name for s in _ancestors(receiver, put)]
        for put in receiver.received()
        if put.trace_id == request.trace_id and put.attributes.get("rpc.service") == "S3"
    ]
    assert all(chain[-1] == "POST graphql/" for chain in chains), chains
    assert any(chain[-2:] == ["mutation", "POST graphql/"] for chain in chains), chains


def _ancestors(receiver, span) -> list:
    """The span's parent, its parent's, ... up to the trace's root."""
    by_id = {s.span_id: s for s in receiver.received()}
    chain = []
    while span.parent_id in by_id:
        span = by_id[span.parent_id]
        chain.append(span)
    return chain


# --- a queued task joins its request's trace ----------------------------------------


@pytest.fixture(scope="module")
def stack(receiver, s3_server, tmp_path_factory):
    """gunicorn and a Celery worker (prefork, as `make worker` runs it), both traced,
    sharing a database, a broker and S3."""
    redis_url = redis_url_or_skip()
    flush(redis_url)
    workdir = tmp_path_factory.mktemp("traced_tasks")
    shared = {
        **receiver.env(),
        **_s3_env(s3_server),
        "CELERY_BROKER_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{workdir / 'shared.sqlite3'}",
    }
    web = LiveServer(workdir, extra_env=shared).start()
    log = (workdir / "worker.log").open("wb")
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "project", "worker", *WORKER_OPTIONS],
        cwd=BASE_DIR,
        env=web.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield web
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        web.stop()
        flush(redis_url)


def test_a_queued_task_joins_its_requests_trace(stack, receiver):
    token = sign_up(stack.url, "linus", "kernel-hacker-1991", "linus@example.com")
    photo = upload_photo(stack.url, token, make_jpeg(640, 480))
    (upload,) = receiver.wait_for(
        lambda s: (
            s.service == "photo-graph"
            and s.name == "mutation"
            and s.trace_id not in _traces_of(receiver, "photo-graph-worker")
            and s.attributes.get("graphql.operation.type") == "mutation"
            and _publishes(receiver, s)
        ),
        what="the upload's span, with its task published",
    )
    run = receiver.wait_for(
        lambda s: (
            s.service == "photo-graph-worker"
            and s.kind == CONSUMER
            and s.trace_id == upload.trace_id
        ),
        timeout=60,
        what="the thumbnail task's run in the upload's trace",
    )
    assert run[0].name == "run/media.make_thumbnails"
    # Two processes export on their own schedules: the web's publish span may come later.
    (publish,) = receiver.wait_for(lambda s: s.span_id == run[0].parent_id, what="the publish")
    assert publish.kind == PRODUCER and publish.service == "photo-graph"
    # The task's own S3 calls (the original read, the set written) are in the trace too.
    receiver.wait_for(
        lambda s: (
            s.service == "photo-graph-worker"
            and s.trace_id == upload.trace_id
            and s.attributes.get("rpc.method") == "PutObject"
        ),
        what="the task's S3 writes in the upload's trace",
    )
    assert photo


def _traces_of(receiver, service: str) -> set[str]:
    return {s.trace_id for s in receiver.received() if s.service == service}


def _publishes(receiver, span) -> bool:
    return any(s.kind == PRODUCER and s.trace_id == span.trace_id for s in receiver.received())


# --- unset: nothing installed -------------------------------------------------------

SERVE_ONE = """
import sys
from django.conf import settings
from django.test import RequestFactory
from project import tracing
from project.wsgi import application
environ = RequestFactory().post(
    "/graphql/", data='{"query": "{ __typename }"}', content_type="application/json"
).environ
body = b"".join(application(environ, lambda status, headers, exc_info=None: None))
assert body.startswith(b'{"data":{"__typename":"Query"},'), body  # then extensions.cost
TRACING = ("opentelemetry.sdk.trace", "opentelemetry.instrumentation", "opentelemetry.exporter")
print(len([name for name in sys.modules if name.startswith(TRACING)]))
print(tracing.operation_spans is not None)
print(sum("opentelemetry" in name for name in settings.MIDDLEWARE))
"""


@pytest.mark.parametrize("endpoint", ["", "http://127.0.0.1:9"])
def test_without_an_endpoint_nothing_is_installed(endpoint, tmp_path):
    # redis-py 8 imports OpenTelemetry's metrics API at its own import when it is installed
    # (for metrics it records only once configured): what matters is that no tracing
    # (SDK tracer, instrumentation, exporter, middleware, operation span) is in place.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        DJANGO_SECRET_KEY="k" * 40,
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
        OTEL_TRACES_SAMPLER="always_off",  # nothing is sent to the port that answers nothing
    )
    result = subprocess.run(
        [sys.executable, "-c", SERVE_ONE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    modules, spans, middleware = result.stdout.split()
    if endpoint:  # the same process with an endpoint: all of it is in place
        assert (int(modules) > 10, spans, middleware) == (True, "True", "1"), result.stdout
    else:
        assert (modules, spans, middleware) == ("0", "False", "0"), result.stdout
