"""strawberry-django's optimizer, installed per operation, planning pages under one object.

strawberry-django's fields find the optimizer through a module context variable rather
than through a schema extension; setting it ourselves avoids the extension's `resolve`
hook, which wrapped every field in a middleware call (bench/RESULTS.md, "trivial").
Its plans are cached (schema/engine/plans.py).
"""

from contextvars import ContextVar, Token

from django.db.models.manager import BaseManager
from graphql import GraphQLList, GraphQLNonNull, OperationType
from strawberry import relay
from strawberry_django.optimizer import DjangoOptimizerExtension, OptimizerConfig, is_optimized
from strawberry_django.optimizer import optimizer as _current_optimizer

from schema.engine import plans
from schema.engine.switches import switches

PRIVATE_NAMES = (
    "strawberry_django.optimizer.optimizer",
    "strawberry_django.optimizer.DjangoOptimizerExtension.optimize",
    "strawberry_django.optimizer.DjangoOptimizerExtension.enabled",
    "strawberry_django.optimizer.is_optimized",
    "strawberry_django.optimizer.OptimizerConfig",
    "django.db.models.query:'self._result_cache = None'",
    "strawberry.types.info.Info._raw_info",
    "strawberry.types.info:'._strawberry_schema'",
    # A field's `disable_optimization` is read while the optimizer plans a queryset.
    "strawberry_django.optimizer:'disable_optimization'",
)

# While the optimizer plans a field's rows: ONE when the field answers a single object,
# MANY otherwise; None when nothing is being planned (fields are being resolved).
ONE, MANY = "one", "many"
_planning: ContextVar[str | None] = ContextVar("planning", default=None)


def planning() -> bool:
    """Whether the optimizer is planning a field's rows (rather than a field resolving)."""
    return _planning.get() is not None


def planning_for_one_parent() -> bool:
    """Whether the optimizer is planning the rows of a field that answers a single object."""
    return _planning.get() == ONE


def answers_one_object(info) -> bool:
    """Whether the field being resolved answers one object (not a list, not a page)."""
    raw = getattr(info, "_raw_info", info)
    return_type = raw.return_type
    if isinstance(return_type, GraphQLNonNull):
        return_type = return_type.of_type
    if isinstance(return_type, GraphQLList):
        return False
    definition = raw.schema._strawberry_schema.get_type_by_name(return_type.name)
    origin = getattr(definition, "origin", None)
    return not (isinstance(origin, type) and issubclass(origin, relay.Connection))


class Optimizer(DjangoOptimizerExtension):
    """strawberry-django's optimizer, with cached plans; under one object, nested pages are
    fetched alone.

    See `schema.core.connections.NestedConnectionField` for why. Lists of parents are planned
    exactly as strawberry-django plans them.
    """

    def __init__(self, *, joins: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.plans = plans.PlanCache()
        # Whether `joined()` foreign keys are joined in the plans this optimizer makes
        # (schema/engine/joins.py): the schema whose operations install it chooses.
        self.joins = joins

    def optimize(self, qs, info, *, store=None):
        raw = getattr(info, "_raw_info", info)
        token = _planning.set(ONE if answers_one_object(raw) else MANY)
        try:
            if store is not None or not self.enabled.get() or not plans.cache_on():
                return super().optimize(qs, info, store=store)
            if isinstance(qs, BaseManager):
                qs = qs.all()
            if isinstance(qs, list) or is_optimized(qs) or qs._result_cache is not None:
                return qs  # as strawberry-django: never planned twice, nor after evaluation
            return self.plans.optimize(qs, raw, self._config(raw))
        finally:
            _planning.reset(token)

    def _config(self, info) -> OptimizerConfig:
        # As strawberry-django's own `optimize` makes it.
        return OptimizerConfig(
            enable_only=self.enable_only and info.operation.operation == OperationType.QUERY,
            enable_select_related=self.enable_select_related,
            enable_prefetch_related=self.enable_prefetch_related,
            enable_annotate=self.enable_annotate_optimization,
            prefetch_custom_queryset=self.prefetch_custom_queryset,
        )


def joins_foreign_keys() -> bool:
    """Whether the optimizer planning now joins `joined()` foreign keys: only an
    `Optimizer` made with `joins=True`, and while GRAPHQL_ENGINE_JOINS is on."""
    current = _current_optimizer.get()
    return isinstance(current, Optimizer) and current.joins and switches().joins


def install(optimizer: Optimizer) -> tuple[Token, Token]:
    """strawberry-django's fields optimize their querysets with `optimizer` until
    `uninstall`, and cached plans compile for this operation's viewer meanwhile."""
    return _current_optimizer.set(optimizer), plans.begin()


def uninstall(tokens: tuple[Token, Token]) -> None:
    optimizer, executing = tokens
    plans.end(executing)
    _current_optimizer.reset(optimizer)


def optimized(queryset, info):
    """The queryset as the schema's optimizer would shape it for this field's selection.

    Resolvers that fetch rows themselves (a single object, a hand-made page) call this so
    the selected relations and annotations come in the same few queries as in lists.
    """
    optimizer = _current_optimizer.get()
    return optimizer.optimize(queryset, info) if optimizer is not None else queryset
