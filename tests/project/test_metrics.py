"""/metrics: Prometheus text only with the token; operations, tasks and limits counted."""

import pytest
import redis
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from prometheus_client.parser import text_string_to_metric_families

from media_graph.models import Photo
from project import rates
from project.metrics_view import serve_worker
from tasks.maintenance import purge_uploads
from tasks.media import make_thumbnails
from tests.support.factories import photo_row
from tests.support.ports import free_port
from tests.support.queue import flush, redis_url_or_skip

TOKEN = "metrics-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict:
    """sample name -> {labels (sorted tuple) -> value}."""
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples: dict = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get(name, {}).get(tuple(sorted(labels.items())), 0.0)


def test_metrics_is_not_found_without_the_setting(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=AUTH).status_code == 404


def test_metrics_refuses_a_missing_or_wrong_token(client, metrics_on):
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401


def test_a_named_operation_is_counted_timed_and_its_sql_summed(
    gql, client, alice, login, metrics_on
):
    login(alice)
    before = scrape(client)
    for _ in range(3):
        response = gql.execute("query WhoAmI { me { id } feed(first: 2) { edges { cursor } } }")
        assert response.status == 200
    after = scrape(client)

    runs = value(after, "graphql_operations_total", operation="WhoAmI", type="query", outcome="ok")
    assert (
        runs
        - value(before, "graphql_operations_total", operation="WhoAmI", type="query", outcome="ok")
        == 3
    )
    count = "graphql_operation_duration_seconds_count"
    assert value(after, count, operation="WhoAmI") - value(before, count, operation="WhoAmI") == 3
    buckets = [labels for labels in after["graphql_operation_duration_seconds_bucket"]]
    assert (("le", "+Inf"), ("operation", "WhoAmI")) in buckets
    sql = "graphql_sql_statements_total"
    assert value(after, sql, operation="WhoAmI") > value(before, sql, operation="WhoAmI")
    assert "process_cpu_seconds_total" in after or "process_virtual_memory_bytes" in after


def test_refused_operations_and_invented_names_are_bounded(gql, client, settings, metrics_on):
    settings.METRICS_MAX_OPERATION_NAMES = 3
    for number in range(6):
        gql.execute(f"query Invented{number} {{ __typename }}")
    gql.execute("query Broken { nope }")
    samples = scrape(client)
    names = {dict(labels)["operation"] for labels in samples["graphql_operations_total"]}
    assert "other" in names
    assert {name for name in names if name.startswith("Invented")} <= {
        "Invented0",
        "Invented1",
        "Invented2",
    }
    refused = [
        labels for labels in samples["graphql_operations_total"] if ("outcome", "refused") in labels
    ]
    assert refused


def test_rate_limited_answers_are_counted_by_limit(client, settings, metrics_on):
    settings.RATE_REPORTS_PER_HOUR = 1
    before = value(scrape(client), "rate_limited_answers_total", limit="reports")
    rates.take(rates.REPORTS, "someone")
    with pytest.raises(rates.RateLimited):
        rates.take(rates.REPORTS, "someone")
    after = value(scrape(client), "rate_limited_answers_total", limit="reports")
    assert after - before == 1


def test_task_runs_and_durations_are_counted_by_task(client, db, metrics_on):
    before = scrape(client)
    purge_uploads.apply()
    after = scrape(client)
    name = "media.purge_uploads"
    runs = "celery_task_runs_total"
    assert value(after, runs, task=name) - value(before, runs, task=name) == 1
    count = "celery_task_duration_seconds_count"
    assert value(after, count, task=name) - value(before, count, task=name) == 1


def test_queue_depth_is_read_from_the_broker(client, settings, metrics_on):
    url = redis_url_or_skip()
    flush(url)
    redis.Redis.from_url(url).rpush("media", "one", "two")
    settings.CELERY_BROKER_URL = url
    try:
        assert value(scrape(client), "celery_queue_depth", queue="media") == 2
    finally:
        flush(url)


def test_the_worker_serves_its_own_metrics_with_the_same_token(metrics_on):
    port = free_port()
    server = serve_worker(port, "127.0.0.1")
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        missing = requests.get(url, timeout=5)
        wrong = requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=5)
        right = requests.get(url, headers=AUTH, timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert "celery_queue_depth" in right.text


def test_a_task_that_raises_is_counted_as_a_failure(client, alice, metrics_on, settings, tmp_path):
    # A real failure: the original is not an image, so rendering the set raises (not a
    # storage outage: no retry) and the photo ends FAILED.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    photo = photo_row(alice, published=False)
    default_storage.save(photo.original.name, ContentFile(b"not an image at all"))
    name = "media.make_thumbnails"
    before = scrape(client)
    result = make_thumbnails.apply(args=[photo.pk])
    after = scrape(client)
    assert result.failed()
    failures = "celery_task_failures_total"
    assert value(after, failures, task=name) - value(before, failures, task=name) == 1
    photo.refresh_from_db()
    assert photo.processing_status == Photo.ProcessingStatus.FAILED


def test_a_budget_refusal_is_counted_as_rate_limited(gql, client, settings, metrics_on):
    settings.GRAPHQL_BUDGET_MAX = 10
    settings.GRAPHQL_BUDGET_RESTORE_RATE = 0.01
    before = value(scrape(client), "rate_limited_answers_total", limit="budget")
    query = "{ photos(first: 9) { edges { cursor } } }"  # 10 points
    assert gql.execute(query).status == 200
    assert gql.execute(query).status == 429
    after = value(scrape(client), "rate_limited_answers_total", limit="budget")
    assert after - before == 1
