"""Relay connections with the contract's page rules: 20 by default, 100 at most."""

from typing import Any

import strawberry
import strawberry_django
from django.db import models
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type
from strawberry import relay
from strawberry.types.nodes import SelectedField
from strawberry_django.relay import DjangoListConnection

from schema.core import cursors
from schema.core.errors import BadUserInput
from schema.engine.keyset import Order, key_of, order_in, order_of, page_rows, rank_of, total_of
from schema.engine.prefetch_pages import PagePerParentField, is_prefetched_page

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


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


def check_page_sizes(*, first: int | None, last: int | None) -> tuple[int | None, int | None]:
    """(first, last) after the page rules: each within bounds, first 20 when neither."""
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
            raise BadUserInput(f"'{name}' must be between 0 and {MAX_PAGE_SIZE}.")
    if first is None and last is None:
        first = DEFAULT_PAGE_SIZE
    return first, last


def _keys(order: Order, after: str | None, before: str | None) -> tuple[list | None, ...]:
    return tuple(
        None if cursor is None else cursors.decode(cursor, order, name)
        for name, cursor in (("after", after), ("before", before))
    )


def _asks_for_total(info: strawberry.Info) -> bool:
    def names(selections):
        for selection in selections:
            if isinstance(selection, SelectedField):
                yield selection.name
            else:  # a fragment: its fields are the connection's too
                yield from names(selection.selections)

    return any(
        name == "totalCount" for field in info.selected_fields for name in names(field.selections)
    )


@strawberry.type(name="Connection", description="A page of nodes, with the total count.")
class Connection(DjangoListConnection[relay.NodeType]):
    total: strawberry.Private[int | None] = None

    @strawberry.field(description="How many nodes there are in all pages.")
    def total_count(self) -> int:
        if self.total is not None:
            return self.total
        if isinstance(self.nodes, models.QuerySet):
            return self.nodes.count()
        return len(list(self.nodes or []))

    @classmethod
    def resolve_connection(
        cls,
        nodes: models.QuerySet,
        *,
        info: strawberry.Info,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        **kwargs: Any,
    ):
        """A keyset page of a queryset, in the queryset's order (the primary key breaking ties)."""
        first, last = check_page_sizes(first=first, last=last)
        if is_prefetched_page(nodes):  # cut with its siblings' pages, in one query
            return cls.prefetched_page(list(nodes), order_in(nodes), after=after, nodes=nodes)
        unpaged, (queryset, order) = nodes, order_of(nodes)
        after_key, before_key = _keys(order, after, before)
        rows, has_previous, has_next, total = page_rows(
            queryset,
            order,
            after=after_key,
            before=before_key,
            first=first,
            last=last,
            with_total=_asks_for_total(info),
        )
        return cls._page(
            rows, order, has_previous=has_previous, has_next=has_next, total=total, nodes=unpaged
        )

    @classmethod
    def prefetched_page(cls, rows: list, order: Order, *, after: str | None, nodes=None):
        """One parent's page, cut with its siblings' (keyset.window_page numbered them)."""
        return cls._page(
            rows,
            order,
            has_previous=rank_of(rows[0]) > 1 if rows else after is not None,
            has_next=rank_of(rows[-1]) < total_of(rows[-1]) if rows else False,
            # None for an empty page: then every row is on it (count() reads the
            # fetched rows), unless the cursor is past the last row.
            total=total_of(rows[0]) if rows else None,
            nodes=rows if nodes is None else nodes,
        )

    @classmethod
    def _page(cls, rows, order, *, has_previous, has_next, total, nodes):
        edges = [
            relay.Edge(node=row, cursor=cursors.encode(order, key_of(row, order))) for row in rows
        ]
        page_info = relay.PageInfo(
            has_previous_page=has_previous,
            has_next_page=has_next,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return cls(edges=edges, page_info=page_info, nodes=nodes, total=total)


class NestedConnectionField(PagePerParentField):
    """A connection over a relation (user.photos, tag.photos, ...) that stays cheap in lists.

    When a list of parents is resolved, the optimizer prefetches every parent's page in
    one query, cut by windows over each parent's rows, with the same page rules as
    top-level connections.

    Under a single parent (`photo(id:) { comments }`, `album(id:) { photos }`) the page is
    left out of the parent's plan and fetched when it is resolved, with LIMIT on the
    relation's index: the same number of queries, but the window also counts every row
    of the relation, so a photo with 200,000 comments took 168 ms of PostgreSQL per page
    that way against 0.07 ms (bench/RESULTS.md, "Pages under one parent").
    """

    # `gate(parent, info, rows)`: the rows narrowed to what the viewer may list of this
    # parent's relation at all (a private account's followers): the same rows, none, or
    # the rows under a condition on the parent (in the page's own statement).
    gate = None

    def page_arguments(self, order, *, first, last, before, after):
        first, last = check_page_sizes(first=first, last=last)
        return (first, last, *_keys(order, after, before))

    def get_result(self, source, info, args, kwargs):
        result = super().get_result(source, info, args, kwargs)
        if self.gate is not None and source is not None and isinstance(result, models.QuerySet):
            return self.gate(source, info, result)
        return result

    def __copy__(self):
        new_field = super().__copy__()
        new_field.gate = self.gate
        return new_field


def nested_connection(*, refine=None, gate=None, **kwargs):
    """A `Connection` field over the relation named like the attribute (or `field_name`);
    `gate`: see NestedConnectionField."""
    field = strawberry_django.connection(field_cls=NestedConnectionField, **kwargs)
    field.refine = refine
    field.gate = gate
    return field
