"""docker-compose.yml is valid, and wires the app and its worker as documented."""

import shutil
import subprocess

import pytest
import yaml
from django.conf import settings

from tests.support.live import BASE_DIR

COMPOSE = BASE_DIR / "docker-compose.yml"
# What each service sets for itself: its own metrics folder (and the worker its port).
OWN = {"PROMETHEUS_MULTIPROC_DIR", "METRICS_WORKER_PORT"}
WORKERS = ("worker-media", "worker-other")


def shared(environment: dict) -> dict:
    return {name: value for name, value in environment.items() if name not in OWN}


def compose_command() -> list[str] | None:
    if (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.skipif(compose_command() is None, reason="no docker compose CLI on this machine")
def test_compose_config_is_valid():
    result = subprocess.run(
        [*compose_command(), "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_compose_wires_the_production_settings():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert set(services) == {
        "db",
        "minio",
        "minio-init",
        "redis",
        "redis-cache",
        "mailpit",
        "app",
        "worker-media",
        "worker-other",
        "realtime",
        "jaeger",
    }
    app = services["app"]
    env = app["environment"]
    assert env["DATABASE_URL"].startswith("postgres://photos:photos@db:5432/")
    assert env["AWS_STORAGE_BUCKET_NAME"] == "photos"
    assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert env["AWS_S3_PUBLIC_ENDPOINT_URL"] == "http://localhost:9000"
    assert env["DJANGO_DEBUG"] == "0"
    # No signing key from the repository: the environment's, or one made on first start.
    assert env["DJANGO_SECRET_KEY"] == "${DJANGO_SECRET_KEY:-}"
    assert env["DJANGO_SECRET_KEY_FILE"] == "/app/var/secret_key"
    assert "appvar:/app/var" in app["volumes"]
    assert app["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
    # Ready (database, storage, broker) is what the services that wait on the app need.
    assert "/readyz" in " ".join(app["healthcheck"]["test"])
    # Metrics: off without a token; each service counts in a folder of its own.
    assert env["METRICS_TOKEN"] == "${METRICS_TOKEN:-}"
    for name in WORKERS:
        worker_env = services[name]["environment"]
        assert worker_env["PROMETHEUS_MULTIPROC_DIR"] != env["PROMETHEUS_MULTIPROC_DIR"]
        assert worker_env["METRICS_WORKER_PORT"]
    assert "mc mb --ignore-existing local/photos" in " ".join(services["minio-init"]["entrypoint"])


def test_compose_minio_takes_direct_uploads_from_browsers_and_expires_leftovers():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    origins = services["minio"]["environment"]["MINIO_API_CORS_ALLOW_ORIGIN"].split(",")
    assert "http://localhost:8000" in origins
    init = " ".join(services["minio-init"]["entrypoint"])
    assert "mc ilm rule add --prefix uploads/ --expire-days 1 local/photos" in init


def test_dockerfile_runs_gunicorn_gthread_as_a_non_root_user():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "\nUSER app\n" in dockerfile
    assert "--worker-class gthread" in dockerfile and "migrate --noinput" in dockerfile


def test_compose_runs_a_worker_per_workload_from_the_app_image_on_the_redis_broker():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    app = services["app"]
    assert app["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "ping" in " ".join(services["redis"]["healthcheck"]["test"])
    served, beats = [], []
    for name in WORKERS:
        worker = services[name]
        assert worker["image"] == app["image"] and worker["build"] == app["build"]
        # The same database, storage, key.
        assert shared(worker["environment"]) == shared(app["environment"])
        words = " ".join(worker["command"]).split()
        assert words[words.index("celery") :][:4] == ["celery", "-A", "project", "worker"]
        assert "--loglevel" in words and words[words.index("--loglevel") + 1] == "INFO"
        served += words[words.index("-Q") + 1].split(",")
        beats += [name] if "--beat" in words else []
        assert "appvar:/app/var" in worker["volumes"]
        # The app migrates on start: the workers wait until it is healthy.
        assert worker["depends_on"]["app"]["condition"] == "service_healthy"
        assert "inspect ping" in " ".join(worker["healthcheck"]["test"])
    # Every queue served exactly once, and beat run by one service only.
    assert sorted(served) == sorted(queue.name for queue in settings.CELERY_TASK_QUEUES)
    assert beats == ["worker-other"]


def test_compose_sends_notification_email_to_mailpit():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    app, worker, mailpit = services["app"], services["worker-other"], services["mailpit"]
    # The worker sends (it shares the app's environment); Mailpit listens on 1025 for SMTP.
    assert app["environment"]["EMAIL_URL"] == "smtp://mailpit:1025"
    assert shared(worker["environment"]) == shared(app["environment"])
    assert mailpit["image"].startswith("axllent/mailpit:v")
    assert "8025:8025" in mailpit["ports"]  # where the README says to read the mail
    assert "mailpit" in app["depends_on"]


def _redis_options(service: dict) -> dict[str, str]:
    words = service["command"].split()
    return {word[2:]: words[i + 1] for i, word in enumerate(words) if word.startswith("--")}


def test_compose_gives_each_redis_use_its_memory_limit_and_eviction_policy():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    env = services["app"]["environment"]
    # Queue, login throttles and rate counts: bounded, and never evicted.
    durable = _redis_options(services["redis"])
    assert durable["maxmemory-policy"] == "noeviction" and durable["maxmemory"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    # The cache and persisted queries: bounded, least recently used first.
    cache = _redis_options(services["redis-cache"])
    assert cache["maxmemory-policy"] == "allkeys-lru" and cache["maxmemory"]
    assert env["REDIS_CACHE_URL"].startswith("redis://redis-cache:6379/")
    assert services["app"]["depends_on"]["redis-cache"]["condition"] == "service_healthy"


def test_compose_serves_subscriptions_from_uvicorn_beside_the_app():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    app, realtime = services["app"], services["realtime"]
    assert realtime["image"] == app["image"]
    assert shared(realtime["environment"]) == shared(
        app["environment"]
    )  # the same database and Redis
    command = " ".join(realtime["command"])
    assert "uvicorn project.asgi:application" in command and "--ws-ping-interval" in command
    assert realtime["depends_on"]["app"]["condition"] == "service_healthy"
    assert realtime["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "healthz" in " ".join(realtime["healthcheck"]["test"])


def test_compose_traces_to_jaeger_only_when_asked():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    jaeger = services["jaeger"]
    assert jaeger["profiles"] == ["tracing"]  # not started by a plain `docker compose up`
    assert jaeger["image"].startswith("jaegertracing/all-in-one:")
    assert jaeger["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"
    for name in ("app", *WORKERS, "realtime"):
        env = services[name]["environment"]
        # Unset by default (tracing off); the sampler applies once an endpoint is given.
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "${OTEL_EXPORTER_OTLP_ENDPOINT:-}"
        assert env["OTEL_TRACES_SAMPLER"].startswith("${OTEL_TRACES_SAMPLER:-parentbased_")
