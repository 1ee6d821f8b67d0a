"""library: search, near, timeline and memories over 100,000 photos (bench/library_data.py).

Run alone: `python -m bench.run --quick library` (it uses its own data set). Each
operation is a whole GraphQL request in process, signed in as the owner of 20,000
photos; its p95 wall time is held against the issue's target, its statement count is
printed, and EXPLAIN of its main statement must name the index it is built for (the
plans are written to var/bench-library-explain.txt for bench/RESULTS.md).
"""

import statistics
import time
from pathlib import Path

from bench.measure import Line, verdict
from bench.scenarios.common import data_of

NAME = "library"
NODE = "id caption thumbnail { url } location { latitude longitude }"
PAGE = f"edges {{ cursor node {{ {NODE} }} }} pageInfo {{ hasNextPage endCursor }}"
PARIS = "{latitude: 48.8566, longitude: 2.3522, radiusKm: 10}"
OPERATIONS = {
    # name: (document, p95 target in ms)
    "search1": ('{ search(query: "sunset", first: 20) { PAGE } }', 50),
    "search2": ('{ search(query: "sunset beach", first: 20) { PAGE } }', 50),
    "near10km": ("{ photos(first: 20, filters: {near: PARIS}) { PAGE } }", 20),
    "timeline": ("{ timeline { month count } }", 20),
    "memories": ('{ memories(date: "06-14") { yearsAgo photos { NODE } } }', 20),
}
BASELINE = "{ me { id } }"  # the same request path doing next to nothing, in the same run
OPERATIONS = {
    name: (text.replace("PAGE", PAGE).replace("PARIS", PARIS).replace("NODE", NODE), target)
    for name, (text, target) in OPERATIONS.items()
}
INDEXES = {
    "search1": "photo_search",
    "search2": "photo_search",
    "near10km": "photo_owner_place",
    "timeline": "photo_owner_taken",
    "memories": "photo_owner_day",
}
EXPLAIN_FILE = Path(__file__).resolve().parent.parent.parent / "var" / "bench-library-explain.txt"


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def _plans(viewer) -> dict[str, str]:
    """EXPLAIN (ANALYZE) of each operation's main statement, as the resolvers build it."""
    from datetime import date

    from media_graph.library import days, search
    from media_graph.models import Photo

    words = {"search1": ["sunset"], "search2": ["sunset", "beach"]}
    querysets = {
        name: search.matching(Photo.objects.visible_to(viewer), w)[:21] for name, w in words.items()
    }
    querysets["near10km"] = Photo.objects.near(
        viewer, latitude=48.8566, longitude=2.3522, radius_km=10
    ).newest_first()[:21]
    querysets["timeline"] = days.timeline_rows(viewer)
    querysets["memories"] = days.memory_rows(viewer, 6, 14, date(2026, 1, 1))
    return {name: _explain(qs) for name, qs in querysets.items()}


def _explain(queryset) -> str:
    # Not QuerySet.explain(): Django puts EXPLAIN inside the subquery of a query that
    # filters on a window (memories).
    from django.db import connection

    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def run(ctx) -> list[Line]:
    from django.db import connection

    app = ctx.app

    def timed(document: str) -> tuple[list[float], list[float]]:
        data_of(app.call(app.graphql(document, token=ctx.token)), document[:40])
        for _ in range(ctx.runs(20, 5)):
            app.call(app.graphql(document, token=ctx.token))
        samples, cpu = [], []
        for _ in range(ctx.runs(300, 60)):
            request = app.graphql(document, token=ctx.token)
            started = time.perf_counter()
            cpu.append(app.call(request).cpu)
            samples.append(time.perf_counter() - started)
        return samples, cpu

    base = _p95(timed(BASELINE)[0]) * 1000
    lines = [Line("library_baseline", f"p95 {base:.2f} ms", BASELINE, None, "-", "info")]
    for name, (document, target_ms) in OPERATIONS.items():
        samples, cpu = timed(document)
        p95 = _p95(samples) * 1000
        statements, _ = app.count_sql(app.graphql(document, token=ctx.token))
        lines.append(
            Line(
                f"library_{name}",
                f"p95 {p95:.2f} ms",
                f"median {statistics.median(samples) * 1000:.2f} ms, CPU "
                f"{statistics.median(cpu) * 1000:.2f} ms; {statements} statements; "
                f"{p95 / base:.1f}x the baseline's p95",
                p95 / target_ms,
                f"<= {target_ms} ms",
                verdict(p95 <= target_ms),
            )
        )
    if connection.vendor == "postgresql":
        plans = _plans(ctx.viewer)
        EXPLAIN_FILE.write_text(
            "\n\n".join(f"-- {name}\n{plan}" for name, plan in plans.items()) + "\n"
        )
        for name, plan in plans.items():
            index = INDEXES[name]
            lines.append(
                Line(
                    f"library_{name}_index",
                    index,
                    "EXPLAIN",
                    None,
                    "index used",
                    verdict(index in plan),
                )
            )
    return lines
