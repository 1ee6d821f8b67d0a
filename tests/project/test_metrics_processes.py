"""Multiprocess mode: what several processes counted, one scrape sums."""

import os
import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families

from tests.support.live import BASE_DIR

COUNT = """
import django; django.setup()
from project import metrics
for _ in range(5):
    metrics.operation("Feed", "query", 0.01, 3, "ok")
"""
SCRAPE = """
import django; django.setup()
from prometheus_client import generate_latest
from project.metrics_view import registry
print(generate_latest(registry()).decode())
"""


def run(code: str, folder) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "METRICS_"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "k" * 40,
        "METRICS_TOKEN": "t" * 20,
        "CELERY_BROKER_URL": "",
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_scrape_sums_what_every_process_counted(tmp_path):
    run(COUNT, tmp_path)
    run(COUNT, tmp_path)  # another process: another file in the folder
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(run(SCRAPE, tmp_path))
        for sample in family.samples
    }
    ok = (("operation", "Feed"), ("outcome", "ok"), ("type", "query"))
    assert samples[("graphql_operations_total", ok)] == 10
    assert samples[("graphql_sql_statements_total", (("operation", "Feed"),))] == 30
    assert samples[("graphql_operation_duration_seconds_count", (("operation", "Feed"),))] == 10
