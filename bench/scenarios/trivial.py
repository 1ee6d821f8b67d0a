"""4. `{ me { id } }` through the schema against graphql-core executing the same document.

Ours: `schema.execute_sync` with everything the app does per operation (document cache,
every limit, the cost check, the optimizer, the operation log line at INFO).
Baseline (the floor): graphql-core's own `execute` of the same document, parsed and
validated once beforehand, on the same GraphQLSchema and resolvers. Target: ours within
2x of it. The old baseline, graphql-core parsing and validating on every call
(`graphql_sync`), is printed beside it for the history in bench/RESULTS.md.
No HTTP on either side; the same context (viewer already known) for all three.

trivial_extension (info): ours with one Strawberry schema extension that does nothing,
against ours without: what the extension runner costs the lean path per operation
(schema/engine/extensions.py).
"""

from bench.measure import Line, at_most, interleave, median, us

NAME = "trivial"
QUERY = "{ me { id } }"
LIMIT = 2


def _callables(ctx) -> dict:
    """ours / extended / floor / uncached: one execution each, answering its CPU seconds
    (checked)."""
    import time

    import graphql
    from django.http import HttpResponse
    from django.test import RequestFactory
    from strawberry.extensions import SchemaExtension

    from schema import schema
    from schema.core.context import Context
    from schema.core.nodes import global_id
    from schema.engine.execution import graphql_schema

    request = RequestFactory().post("/graphql/")
    request.user = ctx.viewer
    context = Context(request=request, response=HttpResponse())

    class EmptyExtension(SchemaExtension):
        """No hook: what running any extension at all costs."""

    expected = {"me": {"id": global_id("User", ctx.viewer.pk)}}
    core_schema = graphql_schema(schema)
    document = graphql.parse(QUERY)
    assert not graphql.validate(core_schema, document)

    def timed(name: str, call):
        def run() -> float:
            started = time.process_time()
            result = call()
            cpu = time.process_time() - started
            if result.errors or result.data != expected:
                raise AssertionError(f"{name} answered {result}")
            return cpu

        return run

    ours = timed("schema.execute_sync", lambda: schema.execute_sync(QUERY, context_value=context))

    def extended() -> float:
        unextended, schema.extensions = schema.extensions, [EmptyExtension]  # off the clock
        try:
            return ours()
        finally:
            schema.extensions = unextended

    return {
        "ours": ours,
        "extended": extended,
        "floor": timed(
            "graphql.execute", lambda: graphql.execute(core_schema, document, context_value=context)
        ),
        "uncached": timed(
            "graphql.graphql_sync",
            lambda: graphql.graphql_sync(core_schema, QUERY, context_value=context),
        ),
    }


def operations(ctx) -> dict:
    """name -> prepare(): answers the call that runs one execution."""
    return {f"trivial-{name}": (lambda f=f: f) for name, f in _callables(ctx).items()}


def run(ctx) -> list[Line]:
    samples = interleave(_callables(ctx), runs=ctx.runs(2000, 300), warmup=ctx.runs(200, 50))
    mine, extended, floor, uncached = (
        median(samples[k]) for k in ("ours", "extended", "floor", "uncached")
    )
    return [
        at_most("trivial_query", mine, floor, LIMIT, unit=us),
        Line(
            "trivial_extension",
            us(extended),
            f"no extension {us(mine)}",
            extended / mine,
            "one empty extension's cost (info)",
            "info",
        ),
        Line(
            "trivial_uncached",
            us(mine),
            f"graphql-core parsing and validating each call {us(uncached)}",
            uncached / mine,
            "speedup (history)",
            "info",
        ),
    ]
