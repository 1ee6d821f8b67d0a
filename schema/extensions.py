"""Schema extensions: query guards, parser and validation caches, the optimizer."""

import functools
import logging
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
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


class QueryGuards(AddValidationRules):
    """Depth and alias limits."""

    def __init__(self) -> None:
        super().__init__(list(_guard_rules()))


def schema_extensions() -> list:
    return [
        OperationLog,
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        QueryGuards,
        lambda: ValidationCache(maxsize=256),
        # Whole rows, not .only(): a field selected twice under aliases with different
        # arguments (thumbnail(size: SMALL) beside thumbnail) lost its column hint and
        # each row then loaded the deferred column with a query of its own.
        lambda: DjangoOptimizerExtension(enable_only_optimization=False),
    ]


class OperationLog(SchemaExtension):
    """One log line per GraphQL operation: name, type, duration, SQL count, status."""

    def on_operation(self) -> Iterator[None]:
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            yield
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
            (time.perf_counter() - started) * 1000,
            queries,
            "error" if errors else "ok",
            errors,
        )
