"""Foreign keys the optimizer joins although their target type has a visibility rule.

strawberry-django prefetches every foreign key whose target type has `get_queryset`, so
that the target's rule filters it; every Node type here has one (`VisibleNode`). Where
the parent's own rule already implies the target's (a photo is visible only if its
owner is active, or is the viewer), that prefetch filters nothing and costs a statement
per relation. A field declared with `joined()` is planned as a join instead, unless its
selection needs annotations (those still go through a prefetch, as strawberry-django
decides). tests/schema/engine/test_joins.py proves the implication for every declared join with
rows: loosen a parent's rule and it fails.
"""

from collections.abc import Iterator

import strawberry_django
from django.db import models
from strawberry.types.base import StrawberryObjectDefinition
from strawberry_django import optimizer as _planner
from strawberry_django.fields.field import StrawberryDjangoField

PRIVATE_NAMES = (
    "strawberry_django.optimizer._must_use_prefetch_related",
    # The planner calls it through the module's global name, so replacing that is enough.
    "strawberry_django.optimizer:'if _must_use_prefetch_related(config, field, model_field)'",
    "strawberry_django.fields.field.StrawberryDjangoField",
    # Set on each field when its type is processed: the model and the model field's name.
    "strawberry_django.fields.base:'self.origin_django_type'",
    "strawberry_django.fields.base:'self.django_name'",
)


class JoinedForeignKey(StrawberryDjangoField):
    """A foreign key whose target the parent's visibility already implies."""


def joined(**kwargs) -> JoinedForeignKey:
    """A foreign key field, joined: `owner: User = joined()`.

    Declare it only where every row of the parent that a viewer may see points at a
    target that viewer may see too; tests/schema/engine/test_joins.py checks each one.
    """
    return strawberry_django.field(field_cls=JoinedForeignKey, **kwargs)


_prefetch_for_visibility = _planner._must_use_prefetch_related


def _must_use_prefetch_related(config, field, model_field) -> bool:
    if isinstance(field, JoinedForeignKey):
        return False
    return _prefetch_for_visibility(config, field, model_field)


# Replaced for the whole process, once, on import: fields not declared `joined()` (none
# outside this schema) are planned exactly as before.
_planner._must_use_prefetch_related = _must_use_prefetch_related


def joined_foreign_keys(schema) -> Iterator[tuple[type[models.Model], str]]:
    """(parent model, foreign key name) of every field of `schema` declared `joined()`."""
    for graphql_type in schema.schema_converter.type_map.values():
        definition = graphql_type.definition
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        for field in definition.fields:
            if isinstance(field, JoinedForeignKey):
                yield field.origin_django_type.model, field.django_name
