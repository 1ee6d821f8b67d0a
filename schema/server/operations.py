"""What every operation needs besides its resolvers, run by the schema around each one.

Cached parsing and validation (schema/server/documents.py), every limit on what a request may
ask for (size, tokens, depth, aliases, directives, repeats, strings: schema/server/limits.py;
cost: schema/server/cost.py), introspection off outside DEBUG, the optimizer, one log
line, and the operation's metrics when they are on (project/metrics.py).
`schema.engine.execution.LeanSchema` calls `begin`, `parse`, `validate` and `end`
directly rather than as a Strawberry extension: the extension runner's four phases,
each a context manager per extension, cost `{ me { id } }` more than executing it
(bench/RESULTS.md, "trivial_query"). With the lean path switched off
(GRAPHQL_ENGINE_LEAN_PATH=0), Strawberry's runner calls the same four
(schema/engine/extensions.py).
"""

import functools
import logging
import time
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.dispatch import receiver
from django.test.signals import setting_changed
from graphql import GraphQLError, get_operation_ast, specified_rules
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import MaxAliasesLimiter
from strawberry.types import ExecutionContext

from project import metrics, tracing
from project.log_lines import LineLog
from project.replica import routing
from schema.engine.execution import graphql_schema
from schema.engine.optimizer import Optimizer, install, uninstall
from schema.server import budget, persisted
from schema.server.cost import coerced_variables, operation_cost
from schema.server.documents import Checked, DocumentCache, checked
from schema.server.limits import (
    DocumentRefused,
    IntrospectionOff,
    Limits,
    depth_limit,
    variable_errors,
)

operation_log = logging.getLogger("schema.server.operations")

# Whole rows, not .only(): a field selected twice under aliases with different
# arguments (thumbnail(size: SMALL) beside thumbnail) lost its column hint and each row
# then loaded the deferred column with a query of its own.
OPTIMIZER = Optimizer(enable_only_optimization=False)

DOCUMENTS = DocumentCache(
    max_entries=settings.GRAPHQL_DOCUMENT_CACHE_ENTRIES,
    max_bytes=settings.GRAPHQL_DOCUMENT_CACHE_BYTES,
)
# Costs kept per document: one per operation and set of page sizes sent in variables.
MAX_COSTS_PER_DOCUMENT = 16


@dataclass(frozen=True)
class _Guards:
    """The limits from settings, read once: settings lookups cost a tenth of `{ me { id } }`."""

    max_chars: int
    max_tokens: int
    max_cost: int
    limits: Limits
    rules: tuple  # validation rules; the document cache is keyed on them


@functools.cache
def _guards() -> _Guards:
    # Built once per setting: each limiter instance makes new rule classes, so rules
    # built per request would never hit the document cache.
    rules = (
        *specified_rules,
        depth_limit(settings.GRAPHQL_MAX_DEPTH),
        *MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES).validation_rules,
    )
    return _Guards(
        max_chars=settings.GRAPHQL_MAX_QUERY_CHARS,
        max_tokens=settings.GRAPHQL_MAX_TOKENS,
        max_cost=settings.GRAPHQL_MAX_COST,
        limits=Limits(
            settings.GRAPHQL_MAX_DIRECTIVES,
            settings.GRAPHQL_MAX_REPEATED_FIELDS,
            settings.GRAPHQL_MAX_STRING_CHARS,
        ),
        rules=rules if settings.GRAPHQL_INTROSPECTION else (*rules, IntrospectionOff),
    )


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("GRAPHQL_"):
        _guards.cache_clear()


def _too_costly(cost: int, limit: int) -> GraphQLError:
    error = DocumentRefused(
        f"This operation could return up to {cost:,} objects; the limit is {limit:,}. "
        "Ask for smaller pages (first/last) or fewer nested lists."
    )
    error.extensions = {**error.extensions, "cost": cost, "maxCost": limit}
    return error


class Parsed(NamedTuple):
    """What `parse` found, for `validate`."""

    entry: Checked
    digest: str | None  # the persisted query's hash, when the request named one


def parse(context: ExecutionContext) -> Parsed:
    """The document, through the cache; raises when the request is refused before one.

    Sets `context.query` (a persisted query's text when the request sent its hash) and
    `context.graphql_document`. Raises GraphQLError when the request is refused before
    there is a document (too long, not GraphQL, an unknown persisted query), and
    MissingQueryError when it holds no document at all. A document seen for the first
    time is validated here too, once, and cached with its errors.
    """
    guards = _guards()
    digest = persisted.requested_hash(context.operation_extensions)
    query = context.query if digest is None else persisted.query_for(context.query, digest)
    if not query:
        raise MissingQueryError  # the transport answers it (400)
    context.query = query
    if len(query) > guards.max_chars:
        raise DocumentRefused(f"The document is longer than {guards.max_chars} characters.")
    entry = checked(
        DOCUMENTS,
        query,
        schema=graphql_schema(context.schema),
        rules=guards.rules,
        max_tokens=guards.max_tokens,
        limits=guards.limits,
    )
    context.graphql_document = entry.document
    return Parsed(entry, digest)


def validate(context: ExecutionContext, parsed: Parsed) -> list[GraphQLError]:
    """The errors that refuse the operation: validation, every limit, the variables, the
    cost, and the viewer's budget (debited here when it runs: schema/server/budget.py)."""
    guards = _guards()
    entry = parsed.entry
    errors = entry.errors or variable_errors(context.variables, guards.limits)
    if errors:
        return list(errors)
    cost = _cost(entry, context)
    if tracing.operation_spans is not None:  # tracing installed (project/tracing.py)
        tracing.operation_spans.record_cost(cost)
    request = getattr(context.context, "request", None)
    # A token's own budget lower than the limit is its limit: waiting would never help.
    max_cost = min(guards.max_cost, budget.limit_for(request) or guards.max_cost)
    if cost > max_cost:
        budget.charge(request, cost, runs=False)  # reported, not debited
        return [_too_costly(cost, max_cost)]
    refusal = budget.charge(request, cost, runs=True)
    if refusal is not None:
        return [refusal]
    if parsed.digest is not None:  # it passed every check above
        persisted.register(
            context.query,
            parsed.digest,
            client=persisted.client_of(getattr(context.context, "request", None)),
        )
    return []


def _cost(entry: Checked, context: ExecutionContext) -> int:
    # Only integer variables can change a cost (they are the page sizes): keyed on their
    # values as execution reads them (coerced, defaults included), not as sent.
    schema = graphql_schema(context.schema)
    variables = coerced_variables(schema, entry.document, context.operation_name, context.variables)
    sizes = tuple(
        sorted((k, v) for k, v in variables.items() if type(v) is int)  # not bool
    )
    key = (context.operation_name, sizes)
    cost = entry.costs.get(key)
    if cost is None:
        cost = operation_cost(schema, entry.document, context.operation_name, variables)
        if len(entry.costs) >= MAX_COSTS_PER_DOCUMENT:
            entry.costs.clear()
        entry.costs[key] = cost
    return cost


class Started(NamedTuple):
    """What `begin` set up, for `end`."""

    at: float
    counter: "_SqlCounter"
    wrappers: list
    token: tuple
    replica_wrappers: list | None  # the replica's, when reads may go there
    span: tuple | None  # the operation's span when tracing is on (project/operation_spans.py)


def begin(context: ExecutionContext) -> Started:
    """The operation starts: the optimizer is installed and SQL counted until `end`, and
    with tracing on, its span opened (the current one until `end`).

    Plain calls rather than context managers: three of those cost a fifth of
    `{ me { id } }`.
    """
    spans = tracing.operation_spans
    span = spans.start() if spans is not None else None
    counter = _SqlCounter()
    wrappers = connection.execute_wrappers
    wrappers.append(counter)
    # Statements on the replica count too (project/replica/): one operation, one count.
    replica_wrappers = routing.replica_execute_wrappers()
    if replica_wrappers is not None:
        replica_wrappers.append(counter)
    return Started(
        time.perf_counter(), counter, wrappers, install(OPTIMIZER), replica_wrappers, span
    )


def end(context: ExecutionContext, started: Started, *, refused: bool) -> None:
    """The operation is over (`refused`: by an exception): one log line, and its metrics.

    The line holds the operation's name, type, duration, SQL count and status, so an
    operator can find slow operations; the metrics (project/metrics.py) the same numbers
    summed, when they are on; the span (tracing on) the same, and the line its trace id.
    """
    uninstall(started.token)
    started.wrappers.remove(started.counter)
    if started.replica_wrappers is not None:
        started.replica_wrappers.remove(started.counter)
    span = started.span
    log, record = operation_lines.enabled(), metrics.enabled()
    if log or record or span is not None:
        seconds, queries = time.perf_counter() - started.at, started.counter.count
        document = context.graphql_document
        name = context.operation_name if document else None
        operation = get_operation_ast(document, name) if document else None
        outcome = _outcome(context, refused=refused)
        trace_id = None
        if span is not None:
            trace_id = _finish_span(span, operation, queries, outcome)
        if log:
            _log(context, name, operation, seconds, queries, refused=refused, trace_id=trace_id)
        if record:
            _record(operation, seconds, queries, outcome)


def _outcome(context: ExecutionContext, *, refused: bool) -> str:
    result = context.result
    if refused or result is None or (result.errors and result.data is None):
        return "refused"  # never executed: limits, validation, a bad document
    return "error" if result.errors else "ok"


def _finish_span(span: tuple, operation, queries: int, outcome: str) -> str | None:
    # The name in the document (as the metrics count it), also when the request sent none.
    return tracing.operation_spans.finish(
        span,
        name=operation.name.value if operation and operation.name else None,
        kind=operation.operation.value if operation else None,
        queries=queries,
        outcome=outcome,
    )


def _record(operation, seconds: float, queries: int, outcome: str) -> None:
    if operation is None:
        metrics.operation(None, "-", seconds, queries, outcome)
    else:  # the name in the document, also when the request did not send one
        name = operation.name.value if operation.name else None
        metrics.operation(name, operation.operation.value, seconds, queries, outcome)


class _SqlCounter:
    """A database execute wrapper counting the statements it lets through."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, execute_context):
        self.count += 1
        return execute(sql, params, many, execute_context)


def _log(
    context: ExecutionContext,
    name,
    operation,
    seconds: float,
    queries: int,
    *,
    refused: bool,
    trace_id: str | None,
) -> None:
    result = context.result
    errors = len(result.errors or []) if result is not None else int(refused)
    args = (
        name or "-",
        operation.operation.value if operation else "-",
        seconds * 1000,
        queries,
        "error" if errors else "ok",
        errors,
    )
    # The record is made and handled in the logging thread, which does not see this
    # request's trace: its id goes in the arguments (sampled operations only).
    if trace_id is None:
        operation_lines.log(args)
    else:
        operation_lines.log((*args, trace_id), msg=TRACED_LINE)


LINE = "graphql operation=%s type=%s ms=%.1f sql=%d status=%s errors=%d"
TRACED_LINE = LINE + " trace=%s"
operation_lines = LineLog(operation_log, logging.INFO, LINE, __file__)
