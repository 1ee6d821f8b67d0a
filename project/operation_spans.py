"""The span of one GraphQL operation: opened by schema/server/operations.py's `begin`,
closed by its `end` with what that already computed for the log line and the metrics.

Named as OpenTelemetry's GraphQL conventions say (`query Feed`; `GraphQL Operation`
until a document names one), with `graphql.operation.name` and `.type`, and ours:
`graphql.cost` (what the cost check computed), `db.statement_count` (the SQL counter's
count) and `outcome` (ok, error or refused, as the metrics count it). The document is not
recorded: its text may carry what a client typed. The span is the current one while the
operation runs, so the SQL, Redis, S3 and task-publish spans it causes are its children.
Imported only when tracing is installed (project/tracing.py).
"""

from opentelemetry import context, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

FALLBACK_NAME = "GraphQL Operation"
_tracer = trace.get_tracer("photo-graph.graphql")


def start() -> tuple:
    """Open the operation's span and make it current: `(span, token)` for `finish`."""
    span = _tracer.start_span(FALLBACK_NAME, kind=SpanKind.INTERNAL)
    return span, context.attach(trace.set_span_in_context(span))


def record_cost(cost: int) -> None:
    """The operation's cost, once computed (on the current span: the operation's)."""
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attribute("graphql.cost", cost)


def finish(opened: tuple, *, name: str | None, kind: str | None, queries: int, outcome: str):
    """Close the span; answers its trace id (32 hex digits) when it is sampled, else None."""
    span, token = opened
    context.detach(token)
    if not span.is_recording():  # not sampled: nothing to name or to look at later
        span.end()
        return None
    if kind:
        span.update_name(f"{kind} {name}" if name else kind)
        span.set_attribute("graphql.operation.type", kind)
    if name:
        span.set_attribute("graphql.operation.name", name)
    span.set_attribute("db.statement_count", queries)
    span.set_attribute("outcome", outcome)
    if outcome == "error":
        span.set_status(Status(StatusCode.ERROR))
    span.end()
    return format(span.get_span_context().trace_id, "032x")
