"""The query optimizer, with one change of plan for fields that answer a single object."""

from graphql import GraphQLList, GraphQLNonNull
from strawberry import relay
from strawberry_django.optimizer import DjangoOptimizerExtension

from schema.pagination import planning_for_one_parent


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
        with planning_for_one_parent():
            return super().optimize(qs, info, store=store)
