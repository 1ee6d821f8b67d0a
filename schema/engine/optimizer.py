"""strawberry-django's optimizer, installed per operation, planning pages under one object.

strawberry-django's fields find the optimizer through a module context variable rather
than through a schema extension; setting it ourselves avoids the extension's `resolve`
hook, which wrapped every field in a middleware call (bench/RESULTS.md, "trivial").
"""

from contextvars import ContextVar, Token

from graphql import GraphQLList, GraphQLNonNull
from strawberry import relay
from strawberry_django.optimizer import DjangoOptimizerExtension
from strawberry_django.optimizer import optimizer as _current_optimizer

PRIVATE_NAMES = (
    "strawberry_django.optimizer.optimizer",
    "strawberry_django.optimizer.DjangoOptimizerExtension.optimize",
    "strawberry.types.info.Info._raw_info",
    "strawberry.types.info:'._strawberry_schema'",
    # A field's `disable_optimization` is read while the optimizer plans a queryset.
    "strawberry_django.optimizer:'disable_optimization'",
)

_planning_for_one_parent: ContextVar[bool] = ContextVar("planning_for_one_parent", default=False)


def planning_for_one_parent() -> bool:
    """Whether the optimizer is planning the rows of a field that answers a single object."""
    return _planning_for_one_parent.get()


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
    """strawberry-django's optimizer; under one object, nested pages are fetched alone.

    See `schema.pagination.NestedConnectionField` for why. Lists of parents are planned
    exactly as strawberry-django plans them.
    """

    def optimize(self, qs, info, *, store=None):
        if not answers_one_object(info):
            return super().optimize(qs, info, store=store)
        token = _planning_for_one_parent.set(True)
        try:
            return super().optimize(qs, info, store=store)
        finally:
            _planning_for_one_parent.reset(token)


def install(optimizer: Optimizer) -> Token:
    """strawberry-django's fields optimize their querysets with `optimizer` until uninstall."""
    return _current_optimizer.set(optimizer)


def uninstall(token: Token) -> None:
    _current_optimizer.reset(token)


def optimized(queryset, info):
    """The queryset as the schema's optimizer would shape it for this field's selection.

    Resolvers that fetch rows themselves (a single object, a hand-made page) call this so
    the selected relations and annotations come in the same few queries as in lists.
    """
    optimizer = _current_optimizer.get()
    return optimizer.optimize(queryset, info) if optimizer is not None else queryset
