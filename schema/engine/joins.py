"""Foreign keys the optimizer joins although their target type has a visibility rule.

strawberry-django prefetches every foreign key whose target type has `get_queryset`, so
that the target's rule filters it; every Node type here has one (`VisibleNode`). Where
the parent's own rule already implies the target's (a photo is visible only if its
owner is active, or is the viewer), that prefetch filters nothing and costs a statement
per relation. A field declared with `joined()` is planned as a join instead, unless its
selection needs annotations (those still go through a prefetch, as strawberry-django
decides). tests/schema/engine/test_joins.py proves the implication for every declared join with
rows: loosen a parent's rule and it fails.

Per schema, not per process: strawberry-django decides between a join and a prefetch in
one module-level function, `_must_use_prefetch_related`, which its planner calls by its
global name and which no setting, schema extension or field option reaches; so that
function is replaced, once, for the process. The replacement answers as
strawberry-django does unless the field is `joined()` AND the optimizer planning it is
this engine's `Optimizer` made with `joins=True` (what `schema.server.operations`
installs for this schema's operations) AND GRAPHQL_ENGINE_JOINS is on. Another schema
in the same process, with strawberry-django's own optimizer or an `Optimizer(joins=False)`,
is planned exactly as strawberry-django plans it, `joined()` fields included.
"""

from collections.abc import Iterator

import strawberry_django
from django.db import models
from strawberry.types.base import StrawberryObjectDefinition
from strawberry_django import optimizer as _planner
from strawberry_django.fields.field import StrawberryDjangoField

from schema.engine.optimizer import joins_foreign_keys

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
    if isinstance(field, JoinedForeignKey) and joins_foreign_keys():
        return False
    return _prefetch_for_visibility(config, field, model_field)


# Replaced in the module, for the whole process, once, on import: strawberry-django has
# no per-schema or per-field hook for this decision (see the module docstring). What the
# replacement decides is per schema: strawberry-django's own answer, unless the field
# is `joined()` and the optimizer planning it (the one the schema's operations install)
# chose joins.
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
