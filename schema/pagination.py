"""Relay connections with the contract's page rules: 20 by default, 100 at most."""

from typing import Any

import strawberry
import strawberry_django
from django.db import models
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from schema.engine.pagination import PagePerParentField, cursor_offset, window_total
from schema.errors import BadUserInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# An offset cursor past this names no row (and would overflow the database's OFFSET).
MAX_OFFSET = 2**31 - 1


PAGE_ARGUMENTS = {
    "first": (
        f"The first n items (0 to {MAX_PAGE_SIZE}); the first {DEFAULT_PAGE_SIZE} when "
        "neither first nor last is given."
    ),
    "last": f"The last n items (0 to {MAX_PAGE_SIZE}).",
    "after": "Only items after this cursor (an edge's cursor, or pageInfo.endCursor).",
    "before": "Only items before this cursor (an edge's cursor, or pageInfo.startCursor).",
}


def describe_page_arguments(schema: GraphQLSchema) -> None:
    """Say the page rules on every connection's arguments.

    Strawberry's own descriptions give `last` the text of `after` and say nothing of
    the default or the maximum page size.
    """
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            returns = get_named_type(field.type)
            if not (isinstance(returns, GraphQLObjectType) and "pageInfo" in returns.fields):
                continue
            for name, argument in field.args.items():
                if name in PAGE_ARGUMENTS:
                    argument.description = PAGE_ARGUMENTS[name]


def check_page_arguments(
    *,
    first: int | None,
    last: int | None,
    after: str | None = None,
    before: str | None = None,
) -> None:
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
            raise BadUserInput(f"'{name}' must be between 0 and {MAX_PAGE_SIZE}.")
    for name, cursor in (("after", after), ("before", before)):
        if cursor is None:
            continue
        offset = cursor_offset(cursor)
        if offset is None:
            raise BadUserInput(f"'{name}' is not a cursor this API gave out.")
        if offset > MAX_OFFSET:
            raise BadUserInput(f"'{name}' is past the end of any list.")


@strawberry.type(name="Connection", description="A page of nodes, with the total count.")
class Connection(DjangoListConnection[relay.NodeType]):
    @strawberry.field(description="How many nodes there are in all pages.")
    def total_count(self) -> int:
        # The optimizer puts the window count on each node when it can.
        edges = self.edges
        total = window_total(edges[0].node) if edges else None
        if total is not None:
            return total
        if isinstance(self.nodes, models.QuerySet):
            return self.nodes.count()
        return len(list(self.nodes or []))

    @classmethod
    def resolve_connection(
        cls,
        nodes: Any,
        *,
        info: strawberry.Info,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        **kwargs: Any,
    ):
        check_page_arguments(first=first, last=last, after=after, before=before)
        if first is None and last is None:
            first = DEFAULT_PAGE_SIZE
        return super().resolve_connection(
            nodes, info=info, before=before, after=after, first=first, last=last, **kwargs
        )


class NestedConnectionField(PagePerParentField):
    """A connection over a relation (user.photos, tag.photos, ...) that stays cheap in lists.

    When a list of parents is resolved, the optimizer prefetches every parent's page in
    one query, cut by a window over each parent's rows, with the same page rules as
    top-level connections.

    Under a single parent (`photo(id:) { comments }`, `album(id:) { photos }`) the page is
    left out of the parent's plan and fetched when it is resolved, with LIMIT on the
    relation's index: the same number of queries, but the window also counts every row
    of the relation, so a photo with 200,000 comments took 168 ms of PostgreSQL per page
    that way against 0.07 ms (bench/RESULTS.md, "Pages under one parent").
    """

    max_page_size = MAX_PAGE_SIZE

    def page_arguments(self, first, last, before, after):
        check_page_arguments(first=first, last=last, after=after, before=before)
        if first is None and last is None:
            first = DEFAULT_PAGE_SIZE
        return first, last


def nested_connection(*, refine=None, **kwargs):
    """A `Connection` field over the relation named like the attribute (or `field_name`)."""
    field = strawberry_django.connection(field_cls=NestedConnectionField, **kwargs)
    field.refine = refine
    return field
