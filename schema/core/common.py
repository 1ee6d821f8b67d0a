"""What every domain of the schema builds on: visible nodes, payload mutations, shared inputs.

- `VisibleNode`: the base of every Node type. Its `get_queryset` applies the model's one
  visibility rule (`visible_to(viewer)`), and strawberry-django calls it for lists,
  `node`, nested fields and the lookups below, so a new type cannot forget it.
- `payload_mutation`: a mutation answering `<Success> | OperationInfo`, whose services'
  expected failures (ValidationError, PermissionDenied, ObjectDoesNotExist) become the
  payload's messages.
- `refetch`: a mutation's answer, read again through the optimizer for the fields the
  client selected, like any query's rows: no field needs a second code path for objects
  that did not come through it.

A mutation finds its rows, and reads its own object again, as `Context.actor` (a token
with PUBLISH finds its owner's drafts); everything else in its answer reads as the
viewer, whatever the mutation did.
"""

from typing import Annotated, TypeVar

import strawberry
from django.db import models
from strawberry_django.fields.types import OperationInfo

from schema.core.context import OWNER_READS, Info
from schema.core.errors import DomainErrors, NotFound
from schema.core.nodes import parse_global_id
from schema.engine.execution import PrimaryKeyId
from schema.engine.optimizer import optimized

M = TypeVar("M", bound=models.Model)


class VisibleNode(PrimaryKeyId):
    """Mixed into every Node type (`class Photo(VisibleNode, relay.Node)`): its rows are only
    ever those the viewer may see, and its ID is the primary key.

    A mixin, not a subclass of relay.Node: Strawberry would count the Node interface
    twice for a type inheriting it through another class.
    """

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return queryset.visible_to(info.context.viewer)


def payload_mutation(*, input_fields: dict[str, str] | None = None, **kwargs):
    """`@strawberry.mutation` whose expected failures answer the payload's OperationInfo.

    `input_fields` maps the model fields a service names in its errors to this
    mutation's input fields (`{"original": "file"}`).
    """
    return strawberry.mutation(extensions=[DomainErrors(input_fields)], **kwargs)


def find_visible(
    node_type: type[VisibleNode], model: type[M], value: str, info: Info, *, field="id"
) -> M:
    """The object the viewer may see under this global ID; anything else is `not_found`.

    Plain rows, not shaped for the answer: a mutation changes them, then `refetch`es.
    """
    pk = parse_global_id(value, node_type.__name__)
    found = None
    if pk is not None:
        found = info.context.rows_for_actor(model).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No {node_type.__name__.lower()} with this ID.", field=field)
    return found


def refetch(node_type: type[VisibleNode], instance: M, info: Info, *, as_owner=False) -> M:
    """`instance` read again as the client's selection needs it (relations, annotations).

    The row is found as the mutation found it (`Context.actor`). `as_owner`: its
    owner-only fields read as its owner's, as far as the request's scopes allow
    (`Context.reads_as_owner`), on this object alone: what it leads to reads as the
    viewer.
    """
    rows = info.context.rows_for_actor(type(instance)).filter(pk=instance.pk)
    found = optimized(rows, info).get()
    if as_owner:
        setattr(found, OWNER_READS, True)
    return found


@strawberry.input
class NodeInput:
    id: strawberry.ID


@strawberry.type
class DeletedNode:
    id: strawberry.ID


DeletePayload = Annotated[DeletedNode | OperationInfo, strawberry.union("DeletePayload")]
