"""budget_overhead: `{ me { id } }` over HTTP with the cost budgets on against off.

On: GRAPHQL_BUDGET_MAX set (large: a long run must not empty the bucket), the counting
store on the Redis at BENCH_REDIS_URL (loopback), so each operation runs the budget's
Lua script once (project/budgets.py) and its answer carries extensions.cost.
Off: GRAPHQL_BUDGET_MAX = 0, the same store, nothing asked of it. Interleaved, the
same request, through the whole WSGI stack. Target: on <= 1.10 of off, in CPU time as
every scenario; the wall time (which includes waiting for Redis's answer) is printed
beside it for information, and the same pair with the in-process store (no REDIS_URL):
what the budget's own work costs without the round trip; and what one PING to that
Redis costs this process, the floor of a debit atomic across processes.
"""

import time

from bench.measure import Line, at_most, interleave, median, us

NAME = "budget_overhead"
LIMIT = 1.10
QUERY = "{ me { id } }"


def _switch(maximum: int) -> None:
    from django.conf import settings

    from schema.server import budget

    settings.GRAPHQL_BUDGET_MAX = maximum
    budget._settings.cache_clear()


def run(ctx) -> list[Line | str]:
    from django.conf import settings
    from django.test import override_settings

    from bench.scenarios.upload_queued import REDIS_URL, redis_answers

    if not redis_answers():
        return [f"#   {NAME}: no Redis at {REDIS_URL} (BENCH_REDIS_URL): not measured"]
    redis_store = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "bench-budget",
    }
    memory_store = {"BACKEND": "project.stores.NonEvictingLocMemCache", "LOCATION": "bench"}
    saved = settings.GRAPHQL_BUDGET_MAX
    lines: list[Line | str] = []
    try:
        for name, store in ((NAME, redis_store), (f"{NAME}_memory", memory_store)):
            with override_settings(CACHES={**settings.CACHES, "throttles": store}):
                lines += _run(ctx, name, target=name == NAME)
    finally:
        _switch(saved)
    return [*lines, _one_round_trip(ctx, REDIS_URL)]


def _one_round_trip(ctx, url: str) -> Line:
    """What one Redis round trip (PING) costs this process here: the floor of any debit
    that is atomic across processes."""
    import redis

    client = redis.Redis.from_url(url)
    samples = []
    for _ in range(ctx.runs(400, 150)):
        started = time.process_time()
        client.ping()
        samples.append(time.process_time() - started)
    client.close()
    return Line(f"{NAME}_redis_ping", us(median(samples)), "one PING", None, "-", "info")


def _run(ctx, name: str, *, target: bool) -> list[Line]:
    app = ctx.app
    walls: dict[bool, list[float]] = {True: [], False: []}

    def me(on: bool) -> float:
        environ = app.graphql(QUERY, token=ctx.token)
        _switch(10_000_000 if on else 0)
        started = time.perf_counter()
        reply = app.call(environ)
        walls[on].append(time.perf_counter() - started)
        cost = reply.json().get("extensions", {}).get("cost", {})
        if reply.status != 200 or ("throttleStatus" in cost) is not on:
            raise AssertionError(f"{QUERY} answered {reply.status} {reply.body[:200]!r}")
        return reply.cpu

    samples = interleave(
        {"on": lambda: me(True), "off": lambda: me(False)},
        runs=ctx.runs(400, 150),
        warmup=ctx.runs(20, 5),
    )
    cpu = at_most(name, median(samples["on"]), median(samples["off"]), LIMIT)
    if not target:
        cpu.target, cpu.verdict = "-", "info"
    on_wall, off_wall = median(walls[True]), median(walls[False])
    wall = Line(
        f"{name}_wall",
        f"{on_wall * 1000:.2f} ms",
        f"{off_wall * 1000:.2f} ms",
        on_wall / off_wall,
        "-",
        "info",
    )
    return [cpu, wall]
