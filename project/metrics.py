"""What the process counts for Prometheus, and the cheap calls that count it.

Recording is on when METRICS_TOKEN is set (the only way to read the numbers); off, each
call is one cached check. Under gunicorn's several processes and Celery's prefork pool
each process counts in its own memory unless PROMETHEUS_MULTIPROC_DIR names a folder
(prometheus_client's multiprocess mode, read when prometheus_client is first imported):
then every process writes its values there and a scrape adds them up
(project/metrics_view.py). docs/operating.md says which metric means what.

Operation names are client input: the first METRICS_MAX_OPERATION_NAMES distinct names
(GraphQL names only, at most 100 characters) are labels; any other is counted as
"other", so a client inventing names cannot grow the series without bound.
"""

import functools
import re
import threading

from django.conf import settings
from django.dispatch import receiver
from django.test.signals import setting_changed
from prometheus_client import Counter, Histogram

OTHER = "other"
ANONYMOUS = "anonymous"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")

OPERATIONS = Counter(
    "graphql_operations",
    "GraphQL operations answered, by operation name, type and outcome (ok, error, refused).",
    ["operation", "type", "outcome"],
)
DURATION = Histogram(
    "graphql_operation_duration_seconds",
    "Time from parsing to the result, by operation name.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SQL = Counter(
    "graphql_sql_statements",
    "SQL statements executed by GraphQL operations, by operation name.",
    ["operation"],
)
RATE_LIMITED = Counter(
    "rate_limited_answers",
    "Answers refused for a rate or a limit (rate_limited / RATE_LIMITED), by limit.",
    ["limit"],
)
TASK_RUNS = Counter("celery_task_runs", "Celery task runs started, by task.", ["task"])
TASK_FAILURES = Counter("celery_task_failures", "Celery task runs that raised, by task.", ["task"])
TASK_DURATION = Histogram(
    "celery_task_duration_seconds",
    "Celery task run time, by task.",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)


@functools.cache
def enabled() -> bool:
    return bool(settings.METRICS_TOKEN)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("METRICS_"):
        enabled.cache_clear()
        _OPERATIONS.clear()


class _Series:
    """One operation name's children: labels() looked up once, not per request."""

    __slots__ = ("duration", "name", "outcomes", "sql")

    def __init__(self, name: str) -> None:
        self.name = name
        self.duration = DURATION.labels(name)
        self.sql = SQL.labels(name)
        self.outcomes: dict[tuple[str, str], object] = {}


_OPERATIONS: dict[str | None, _Series] = {}
_lock = threading.Lock()


def _series(name: str | None) -> _Series:
    with _lock:
        series = _OPERATIONS.get(name)
        if series is None:
            if name is None:
                label = ANONYMOUS
            elif _NAME.fullmatch(name) and len(_OPERATIONS) < settings.METRICS_MAX_OPERATION_NAMES:
                label = name
            else:
                label = OTHER
            series = _OPERATIONS.get(label) if label == OTHER else None
            series = series or _Series(label)
            _OPERATIONS[name if label != OTHER else OTHER] = series
        return series


def operation(name: str | None, kind: str, seconds: float, statements: int, outcome: str) -> None:
    """One GraphQL operation is over (called from schema/server/operations.py's `end`)."""
    series = _OPERATIONS.get(name) or _series(name)
    counter = series.outcomes.get((kind, outcome))
    if counter is None:
        counter = series.outcomes.setdefault(
            (kind, outcome), OPERATIONS.labels(series.name, kind, outcome)
        )
    counter.inc()
    series.duration.observe(seconds)
    if statements:
        series.sql.inc(statements)


def rate_limited(limit: str) -> None:
    """An answer was refused for `limit` (a rate's name, "login", "open-uploads", ...)."""
    if enabled():
        RATE_LIMITED.labels(limit).inc()
