"""4. `{ me { id } }` through the schema (parser and validation caches on, warmed)
against raw graphql-core on the same GraphQLSchema, parsing and validating every time.

Ours: `schema.execute_sync` with every extension the app installs (operation log,
token limit, parser cache, depth/alias guards, validation cache, optimizer).
Baseline: `graphql.graphql_sync(schema._schema, ...)`, which parses and validates
the document on each call (no caches) and then executes the same resolvers. No HTTP
on either side; the same context (viewer already known) for both.
Target: ours at least 10x faster (baseline / ours >= 10).
"""

from bench.measure import Line, interleave, median, us, verdict

NAME = "trivial"
QUERY = "{ me { id } }"
MIN_SPEEDUP = 10


def _callables(ctx) -> dict:
    """ours / raw: one execution each, answering its CPU seconds (checked)."""
    import time

    import graphql
    from django.http import HttpResponse
    from django.test import RequestFactory

    from schema import schema
    from schema.context import Context
    from schema.nodes import global_id

    request = RequestFactory().post("/graphql/")
    request.user = ctx.viewer
    context = Context(request=request, response=HttpResponse(), viewer=ctx.viewer)
    expected = {"me": {"id": global_id("User", ctx.viewer.pk)}}

    def ours() -> float:
        started = time.process_time()
        result = schema.execute_sync(QUERY, context_value=context)
        cpu = time.process_time() - started
        if result.errors or result.data != expected:
            raise AssertionError(f"schema.execute_sync answered {result}")
        return cpu

    def raw() -> float:
        started = time.process_time()
        result = graphql.graphql_sync(schema._schema, QUERY, context_value=context)
        cpu = time.process_time() - started
        if result.errors or result.data != expected:
            raise AssertionError(f"graphql_sync answered {result}")
        return cpu

    return {"ours": ours, "raw": raw}


def operations(ctx) -> dict:
    """name -> prepare(): answers the call that runs one execution."""
    return {f"trivial-{name}": (lambda f=f: f) for name, f in _callables(ctx).items()}


def run(ctx) -> list[Line]:
    samples = interleave(_callables(ctx), runs=ctx.runs(2000, 300), warmup=ctx.runs(200, 50))
    mine, theirs = median(samples["ours"]), median(samples["raw"])
    speedup = theirs / mine
    return [
        Line(
            "trivial_query",
            us(mine),
            f"raw graphql-core {us(theirs)}",
            speedup,
            f"speedup >= {MIN_SPEEDUP}",
            verdict(speedup >= MIN_SPEEDUP),
        )
    ]
