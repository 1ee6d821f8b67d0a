"""metrics_overhead: feed(first: 20) with the Prometheus metrics on against off.

On: METRICS_TOKEN set, so each operation is counted, timed and its SQL summed
(project/metrics.py) in the in-process registry (no PROMETHEUS_MULTIPROC_DIR here).
Off: no token, one cached check per operation. Interleaved, the same request.
Target: on <= 1.03 of off.
"""

from functools import partial

from bench.measure import Line, at_most, interleave, median
from bench.scenarios.feed import QUERY

NAME = "metrics_overhead"
LIMIT = 1.03


def _switch(on: bool) -> None:
    from django.conf import settings

    from project import metrics

    settings.METRICS_TOKEN = "bench-metrics-token" if on else ""
    metrics.enabled.cache_clear()


def run(ctx) -> list[Line]:
    from django.conf import settings

    app = ctx.app
    saved = settings.METRICS_TOKEN

    def feed(on: bool) -> float:
        call = partial(app.call, app.graphql(QUERY, {"first": 20}, token=ctx.token))
        _switch(on)
        result = call()
        if result.status != 200:
            raise AssertionError(f"feed(first: 20) answered {result.status}")
        return result.cpu

    try:
        samples = interleave(
            {"on": lambda: feed(True), "off": lambda: feed(False)},
            runs=ctx.runs(400, 150),  # a 3% target needs more than a quick 60
            warmup=ctx.runs(20, 5),
        )
    finally:
        settings.METRICS_TOKEN = saved
        _switch(bool(saved))
    return [at_most("metrics_overhead", median(samples["on"]), median(samples["off"]), LIMIT)]
