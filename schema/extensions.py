"""The schema's one extension: what every operation needs besides its resolvers.

Cached parsing and validation, the token, depth and alias limits, the optimizer, and
one log line. They share one `on_operation` hook because Strawberry builds a context
manager for each hook of each extension on every operation, and wraps every field in
a middleware for each `resolve` hook: with Strawberry's ParserCache, ValidationCache
and DjangoOptimizerExtension beside our own, that set-up cost `{ me { id } }` more
than executing it (bench/RESULTS.md, "trivial_query").
"""

import functools
import logging
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry_django.optimizer import optimizer as current_optimizer

from schema.optimizer import Optimizer

operation_log = logging.getLogger("schema.operations")

CACHED_DOCUMENTS = 256

# Only a holder of the optimizer's settings, never run as an extension: strawberry-django
# fields find it through its context variable and optimize their own querysets. Run as
# an extension it would also wrap every field in a `resolve` middleware, which only
# matters for plain Strawberry fields returning querysets (this schema has none).
# Whole rows, not .only(): a field selected twice under aliases with different
# arguments (thumbnail(size: SMALL) beside thumbnail) lost its column hint and each row
# then loaded the deferred column with a query of its own.
OPTIMIZER = Optimizer(enable_only_optimization=False)


@functools.cache
def _guard_rules() -> tuple:
    # Built once: the validation cache is keyed on the rule classes, and each limiter
    # instance makes new ones, so rules built per request would never hit the cache.
    return (
        *QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES).validation_rules,
    )


@functools.lru_cache(maxsize=CACHED_DOCUMENTS)
def _parsed(query: str, max_tokens: int) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


@functools.lru_cache(maxsize=CACHED_DOCUMENTS)
def _validated(schema: GraphQLSchema, document: DocumentNode, rules: tuple) -> list:
    return validate_document(schema, document, rules)


class OperationExtension(SchemaExtension):
    """Parse and validate through caches, apply the limits, optimize, log one line.

    The line holds the operation's name, type, duration, SQL count and status, so an
    operator can find slow operations.
    """

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        max_tokens = settings.GRAPHQL_MAX_TOKENS
        context.parse_options["max_tokens"] = max_tokens
        context.validation_rules = (*context.validation_rules, *_guard_rules())
        if context.query is not None:
            try:
                context.graphql_document = _parsed(context.query, max_tokens)
            except GraphQLError:
                pass  # Strawberry parses it again and answers the syntax error itself
            else:
                # Strawberry skips its own validation when errors are already known.
                context.pre_execution_errors = _validated(
                    context.schema._schema, context.graphql_document, context.validation_rules
                )
        queries = 0

        def count(execute, sql, params, many, execute_context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, execute_context)

        started = time.perf_counter()
        optimizer_token = current_optimizer.set(OPTIMIZER)
        try:
            with connection.execute_wrapper(count):
                yield
        finally:
            current_optimizer.reset(optimizer_token)
        if operation_log.isEnabledFor(logging.INFO):
            self._log(time.perf_counter() - started, queries)

    def _log(self, seconds: float, queries: int) -> None:
        context = self.execution_context
        result = context.result
        errors = len(result.errors or []) if result is not None else 0
        try:
            kind = context.operation_type.value
        except Exception:  # the document did not parse: no operation to name
            kind = "-"
        operation_log.info(
            "graphql operation=%s type=%s ms=%.1f sql=%d status=%s errors=%d",
            context.operation_name or "-",
            kind,
            seconds * 1000,
            queries,
            "error" if errors else "ok",
            errors,
        )


def schema_extensions() -> list:
    return [OperationExtension]
