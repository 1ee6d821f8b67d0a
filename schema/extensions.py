"""The schema's one extension: what every operation needs besides its resolvers.

Cached parsing and validation (schema/documents.py), every limit on what a request may
ask for (size, tokens, depth, aliases, directives, repeats, strings: schema/limits.py;
cost: schema/cost.py), introspection off outside DEBUG, the optimizer, and one log
line. They share one `on_operation` hook because Strawberry builds a context
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
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension

from schema.cost import operation_cost
from schema.documents import DocumentCache, checked
from schema.engine.execution import graphql_schema
from schema.engine.optimizer import Optimizer, installed
from schema.limits import DocumentRefused, IntrospectionOff, Limits, variable_errors

operation_log = logging.getLogger("schema.operations")

# Only a holder of the optimizer's settings, never run as an extension: strawberry-django
# fields find it through its context variable and optimize their own querysets. Run as
# an extension it would also wrap every field in a `resolve` middleware, which only
# matters for plain Strawberry fields returning querysets (this schema has none).
# Whole rows, not .only(): a field selected twice under aliases with different
# arguments (thumbnail(size: SMALL) beside thumbnail) lost its column hint and each row
# then loaded the deferred column with a query of its own.
OPTIMIZER = Optimizer(enable_only_optimization=False)

DOCUMENTS = DocumentCache(
    max_entries=settings.GRAPHQL_DOCUMENT_CACHE_ENTRIES,
    max_bytes=settings.GRAPHQL_DOCUMENT_CACHE_BYTES,
)


@functools.cache
def _guard_rules(max_depth: int, max_aliases: int, introspection: bool) -> tuple:
    # Built once per setting: the document cache is keyed on the rule classes, and each
    # limiter instance makes new ones, so rules built per request would never hit it.
    rules = (
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    )
    return rules if introspection else (*rules, IntrospectionOff)


@functools.cache
def _limits(max_directives: int, max_repeats: int, max_chars: int) -> Limits:
    return Limits(max_directives, max_repeats, max_chars)


def _too_costly(cost: int, limit: int) -> GraphQLError:
    error = DocumentRefused(
        f"This operation could return up to {cost:,} objects; the limit is {limit:,}. "
        "Ask for smaller pages (first/last) or fewer nested lists."
    )
    error.extensions = {**error.extensions, "cost": cost, "maxCost": limit}
    return error


class OperationExtension(SchemaExtension):
    """Parse and validate through caches, apply the limits, optimize, log one line.

    The line holds the operation's name, type, duration, SQL count and status, so an
    operator can find slow operations.
    """

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            self._check()
        except GraphQLError:
            # Refused before there is a document (too long, or not GraphQL): Strawberry
            # answers the raised error as the operation's only one.
            self._log(time.perf_counter() - started, 0, refused=True)
            raise
        queries = 0

        def count(execute, sql, params, many, execute_context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, execute_context)

        refused = False
        try:
            with installed(OPTIMIZER), connection.execute_wrapper(count):
                yield
        except Exception:
            refused = True  # Strawberry refuses the request from here (an unknown operation)
            raise
        finally:
            self._log(time.perf_counter() - started, queries, refused=refused)

    def _check(self) -> None:
        """Parse and validate through the cache, and refuse what breaks a limit."""
        context = self.execution_context
        query = context.query
        if query is None:
            return  # Strawberry answers "no query" itself
        if len(query) > settings.GRAPHQL_MAX_QUERY_CHARS:
            raise DocumentRefused(
                f"The document is longer than {settings.GRAPHQL_MAX_QUERY_CHARS} characters."
            )
        limits = _limits(
            settings.GRAPHQL_MAX_DIRECTIVES,
            settings.GRAPHQL_MAX_REPEATED_FIELDS,
            settings.GRAPHQL_MAX_STRING_CHARS,
        )
        rules = (
            *context.validation_rules,
            *_guard_rules(
                settings.GRAPHQL_MAX_DEPTH,
                settings.GRAPHQL_MAX_ALIASES,
                settings.GRAPHQL_INTROSPECTION,
            ),
        )
        entry = checked(
            DOCUMENTS,
            query,
            schema=graphql_schema(context.schema),
            rules=rules,
            max_tokens=settings.GRAPHQL_MAX_TOKENS,
            limits=limits,
        )
        context.graphql_document = entry.document
        # Strawberry skips its own validation when errors are already known.
        errors = entry.errors or variable_errors(context.variables, limits)
        if not errors:
            cost = operation_cost(
                graphql_schema(context.schema),
                entry.document,
                context.operation_name,
                context.variables,
            )
            if cost > settings.GRAPHQL_MAX_COST:
                errors = [_too_costly(cost, settings.GRAPHQL_MAX_COST)]
        context.pre_execution_errors = list(errors)

    def _log(self, seconds: float, queries: int, *, refused: bool = False) -> None:
        if not operation_log.isEnabledFor(logging.INFO):
            return
        context = self.execution_context
        result = context.result
        errors = len(result.errors or []) if result is not None else int(refused)
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
