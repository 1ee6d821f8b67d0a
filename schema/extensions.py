"""Schema extensions: query guards, parser and validation caches, the optimizer."""

import functools

from django.conf import settings
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry_django.optimizer import DjangoOptimizerExtension


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
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        QueryGuards,
        lambda: ValidationCache(maxsize=256),
        # Whole rows, not .only(): a field selected twice under aliases with different
        # arguments (thumbnail(size: SMALL) beside thumbnail) lost its column hint and
        # each row then loaded the deferred column with a query of its own.
        lambda: DjangoOptimizerExtension(enable_only_optimization=False),
    ]
