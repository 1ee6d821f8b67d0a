"""OpenTelemetry tracing: installed once per process, and only when an OTLP endpoint is set.

Who installs it: the web's entry points (project/wsgi.py under gunicorn, project/asgi.py
under uvicorn), after Django is set up and before its handler loads the middleware
(Django's instrumentation adds one); each Celery worker process (`worker_process_init`,
in the child after the prefork pool forks; `worker_init` for a pool that does not fork).
manage.py commands install nothing. Forks are safe either way: the SDK restarts its
export thread in a forked child (os.register_at_fork), so a gunicorn started with
--preload traces too; without it (as here) each worker imports wsgi.py after the fork.

Unset (settings.TRACING false), nothing of OpenTelemetry is imported, and the request
path reads one attribute: `operation_spans` stays None (schema/server/operations.py).

What `install` puts in place: the SDK's TracerProvider (its resource from
OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, its sampler from OTEL_TRACES_SAMPLER and
OTEL_TRACES_SAMPLER_ARG), a BatchSpanProcessor (OTEL_BSP_*) exporting over OTLP/HTTP
(OTEL_EXPORTER_OTLP_*), and the instrumentations: Django (a server span per request,
an incoming `traceparent` continued), Celery (the context carried in each task
message's headers, a span per publish and per run), psycopg (a span per statement),
Redis and botocore (a span per command, per S3 call), and threads (the context carried
into those a request starts). The GraphQL operation's own span
is project/operation_spans.py's.
"""

import os
import threading

from django.conf import settings

# The operation span's module once tracing is installed; None means off, and is all the
# request path reads.
operation_spans = None

_lock = threading.Lock()
_provider = None


def installed() -> bool:
    return _provider is not None


def install(*, service: str = "photo-graph", sampler=None, exporter=None) -> bool:
    """Install tracing in this process if settings.TRACING (or an `exporter` is given).

    `sampler` and `exporter` replace what the environment names (the tracing_overhead
    bench passes both). Idempotent; answers whether tracing is on.
    """
    global _provider, operation_spans
    if _provider is not None:
        return True
    if exporter is None and not settings.TRACING:
        return False
    with _lock:
        if _provider is not None:
            return True
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        if exporter is None:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()  # endpoint, headers, timeout: OTEL_EXPORTER_OTLP_*
        provider = TracerProvider(
            resource=_resource(service), sampler=_sampler(sampler), shutdown_on_exit=True
        )
        provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        _instrument()
        from project import operation_spans as spans

        operation_spans = spans
        _provider = provider
    return True


def uninstall() -> None:
    """Take the instrumentations out and stop exporting (the bench, after measuring).

    OpenTelemetry sets its global provider once per process: a later `install` here
    traces again only through the instrumentations' own providers, so only the bench,
    at its end, calls this.
    """
    global _provider, operation_spans
    if _provider is None:
        return
    for instrumentor in _instrumentors():
        instrumentor.uninstrument()
    operation_spans = None
    _provider.shutdown()
    _provider = None


def force_flush(timeout_millis: int = 10_000) -> bool:
    """Export what is queued now (the bench and tests; the processor batches otherwise)."""
    return _provider is None or _provider.force_flush(timeout_millis)


def _resource(service: str):
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource

    # Attributes given here win over the environment's: name the service only when the
    # environment does not.
    named = os.environ.get("OTEL_SERVICE_NAME") or "service.name=" in os.environ.get(
        "OTEL_RESOURCE_ATTRIBUTES", ""
    )
    return Resource.create({} if named else {SERVICE_NAME: service})


def _sampler(sampler):
    from opentelemetry.sdk.trace import TracerProvider

    from project.tracing_sampler import NoClientRoots

    if sampler is None:
        # The sampler OTEL_TRACES_SAMPLER names, as the SDK builds it (read from a
        # provider that is never installed).
        sampler = TracerProvider(shutdown_on_exit=False).sampler
    return NoClientRoots(sampler)


def _instrumentors() -> list:
    from opentelemetry.instrumentation.botocore import BotocoreInstrumentor
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.threading import ThreadingInstrumentor

    # Each is one instance per process (BaseInstrumentor is a singleton per class).
    return [
        DjangoInstrumentor(),
        CeleryInstrumentor(),
        PsycopgInstrumentor(),
        RedisInstrumentor(),
        BotocoreInstrumentor(),
        ThreadingInstrumentor(),
    ]


def _instrument() -> None:
    django, celery, psycopg, redis, botocore, threads = _instrumentors()
    django.instrument(excluded_urls=settings.TRACING_EXCLUDED_URLS)
    celery.instrument()
    # No SQL comments: they would make every statement's text unique to its trace.
    psycopg.instrument(enable_commenter=False)
    redis.instrument()
    botocore.instrument()
    # s3transfer makes a save's PUT in a thread pool of its own: without the context
    # carried into it, the S3 call would belong to no trace.
    threads.instrument()
    # Celery's instrumentation ends a publish span only for a task this process knows by
    # name (left open, it would stay the current span for the rest of the request): the
    # web queues tasks by name, and media_graph's AppConfig registers them in every process.


def connect_worker_signals() -> None:
    """Install in each Celery worker process: after the fork under prefork, else at start."""
    from celery.signals import worker_init, worker_process_init

    worker_process_init.connect(_worker_process_init, weak=False)
    worker_init.connect(_worker_init, weak=False)


def _worker_process_init(**kwargs) -> None:
    install(service="photo-graph-worker")


def _worker_init(sender=None, **kwargs) -> None:
    pool = getattr(sender, "pool_cls", None)
    name = pool if isinstance(pool, str) else getattr(pool, "__module__", "")
    if "prefork" not in name:  # solo, threads, gevent: no child process will run tasks
        install(service="photo-graph-worker")
