"""/metrics: the Prometheus text, only for `Authorization: Bearer <METRICS_TOKEN>`.

404 when METRICS_TOKEN is unset (there is nothing to find), 401 for any other header; the
token is compared in constant time. One scrape answers for every process of the service:
with PROMETHEUS_MULTIPROC_DIR the values all processes wrote there, summed; without it,
this process's own (right for one process: runserver, tests). Queue depths are read from
the broker at scrape time (each with READYZ_CHECK_SECONDS), and the process_* metrics
are the answering process's.

The Celery worker serves the same text on METRICS_WORKER_PORT (`serve_worker`), from its
own folder, since its pool's processes share no memory with the web's.
"""

import hmac
import logging
import os
import threading

import redis
from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)


def authorized(header: str | None) -> bool:
    token = settings.METRICS_TOKEN
    expected = f"Bearer {token}".encode()
    return bool(token) and hmac.compare_digest((header or "").encode(), expected)


class QueueDepth:
    """celery_queue_depth{queue}: messages waiting in each configured queue (Redis LLEN)."""

    def collect(self):
        family = GaugeMetricFamily(
            "celery_queue_depth", "Messages waiting in the broker, by queue.", labels=["queue"]
        )
        url = settings.CELERY_BROKER_URL
        if url.startswith(("redis://", "rediss://")):
            seconds = settings.READYZ_CHECK_SECONDS
            client = redis.Redis.from_url(
                url, socket_timeout=seconds, socket_connect_timeout=seconds
            )
            try:
                for queue in queues():
                    family.add_metric([queue], client.llen(queue))
            except redis.RedisError as exc:  # a scrape without depths, not a failed scrape
                logger.warning("metrics: queue depth unavailable: %s", exc)
            finally:
                client.close()
        yield family


def queues() -> list[str]:
    from project.celery import app

    names = {app.conf.task_default_queue}
    names.update(queue.name for queue in app.conf.task_queues or ())
    return sorted(names)


def registry() -> CollectorRegistry:
    """What one scrape reports: every process's counts, the broker's queues, this process."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        scraped = CollectorRegistry(auto_describe=False)
        scraped.register(_Everything())
    else:
        os.makedirs(folder, exist_ok=True)  # a process that counted nothing yet made none
        scraped = CollectorRegistry()
        MultiProcessCollector(scraped, path=folder)
        ProcessCollector(registry=scraped)
    scraped.register(QueueDepth())
    return scraped


class _Everything:
    """The in-process registry (counts, process_*, python_*) as one collector."""

    def collect(self):
        yield from REGISTRY.collect()


@require_GET
def metrics(request):
    if not settings.METRICS_TOKEN:
        return HttpResponse("Not Found", status=404, content_type="text/plain")
    if not authorized(request.headers.get("Authorization")):
        response = HttpResponse("Unauthorized", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


def _worker_app(environ, start_response):
    if environ.get("PATH_INFO") != "/metrics" or not settings.METRICS_TOKEN:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not Found"]
    if not authorized(environ.get("HTTP_AUTHORIZATION")):
        start_response("401 Unauthorized", [("WWW-Authenticate", 'Bearer realm="metrics"')])
        return [b"Unauthorized"]
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
    return [generate_latest(registry())]


def serve_worker(port: int, addr: str = "0.0.0.0"):
    """The worker's /metrics, from a daemon thread of its main process; answers the server."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from prometheus_client.exposition import ThreadingWSGIServer

    class Quiet(WSGIRequestHandler):
        def log_message(self, format, *args):
            pass

    server = make_server(addr, port, _worker_app, ThreadingWSGIServer, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True, name="metrics").start()
    return server
