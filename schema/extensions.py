"""Schema extensions: the operation's guards and log line, parser and validation caches,
the optimizer. Every extension costs each operation a few microseconds of hooks, so the
guards and the log share one."""

import functools
import logging
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from strawberry.extensions import (
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry_django.optimizer import DjangoOptimizerExtension

operation_log = logging.getLogger("schema.operations")


@functools.cache
def _guard_rules() -> tuple:
    # Built once: the validation cache is keyed on the rule classes, and each limiter
    # instance makes new ones, so a limiter per request would never hit the cache.
    return (
        *QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES).validation_rules,
    )


class OperationGuards(SchemaExtension):
    """Token, depth and alias limits, and one log line per operation.

    The line holds the operation's name, type, duration, SQL count and status, so an
    operator can find slow operations.
    """

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        # What strawberry's MaxTokensLimiter and AddValidationRules do, in one hook.
        context.parse_options["max_tokens"] = settings.GRAPHQL_MAX_TOKENS
        context.validation_rules = (*context.validation_rules, *_guard_rules())
        queries = 0

        def count(execute, sql, params, many, execute_context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, execute_context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            yield
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
    return [
        OperationGuards,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        # Whole rows, not .only(): a field selected twice under aliases with different
        # arguments (thumbnail(size: SMALL) beside thumbnail) lost its column hint and
        # each row then loaded the deferred column with a query of its own.
        lambda: DjangoOptimizerExtension(enable_only_optimization=False),
    ]
