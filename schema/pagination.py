"""Relay connections with the contract's page rules: 20 by default, 100 at most."""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import strawberry
import strawberry_django
from django.db import models
from strawberry import relay
from strawberry.relay.types import PREFIX as CURSOR_PREFIX
from strawberry.relay.utils import SliceMetadata, from_base64
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.optimizer import (
    is_optimized_by_prefetching,
    mark_optimized_by_prefetching,
)
from strawberry_django.pagination import apply_window_pagination
from strawberry_django.relay import DjangoListConnection

from schema.errors import BadUserInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# An offset cursor past this names no row (and would overflow the database's OFFSET).
MAX_OFFSET = 2**31 - 1


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
        try:
            prefix, offset = from_base64(cursor)
        except ValueError:
            prefix, offset = "", ""
        if prefix != CURSOR_PREFIX or not (offset.isascii() and offset.isdigit()):
            raise BadUserInput(f"'{name}' is not a cursor this API gave out.")
        if int(offset) > MAX_OFFSET:
            raise BadUserInput(f"'{name}' is past the end of any list.")


@strawberry.type(name="Connection", description="A page of nodes, with the total count.")
class Connection(DjangoListConnection[relay.NodeType]):
    @strawberry.field(description="How many nodes there are in all pages.")
    def total_count(self) -> int:
        # The optimizer annotates each node with the window count when it can.
        edges = self.edges
        if edges and hasattr(edges[0].node, "_strawberry_total_count"):
            return edges[0].node._strawberry_total_count
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


_planning_for_one_parent: ContextVar[bool] = ContextVar("planning_for_one_parent", default=False)


@contextlib.contextmanager
def planning_for_one_parent() -> Iterator[None]:
    """While the optimizer plans the rows of a field that answers a single object."""
    token = _planning_for_one_parent.set(True)
    try:
        yield
    finally:
        _planning_for_one_parent.reset(token)


class NestedConnectionField(StrawberryDjangoField):
    """A connection over a relation (user.photos, tag.photos, ...) that stays cheap in lists.

    When a list of parents is resolved, the optimizer prefetches every parent's page in
    one query. It only knows how to cut those pages for its own connection classes, so
    this does the cut for `Connection`: a window over each parent's rows, with the same
    page rules as top-level connections. `refine` orders (or narrows) the related rows
    on both paths, prefetched or not.

    Under a single parent (`photo(id:) { comments }`, `album(id:) { photos }`) the page is
    left out of the parent's plan and fetched when it is resolved, with LIMIT on the
    relation's index: the same number of queries, but the window also counts every row
    of the relation, so a photo with 200,000 comments took 168 ms of PostgreSQL per page
    that way against 0.07 ms (bench/RESULTS.md, "Pages under one parent").
    """

    refine = None
    _disable_optimization = False

    @property
    def disable_optimization(self) -> bool:
        # Read by the optimizer for each selected field while it plans a queryset, and by
        # the field itself when it resolves (then planning is over: it optimizes its page).
        return self._disable_optimization or _planning_for_one_parent.get()

    @disable_optimization.setter
    def disable_optimization(self, value: bool) -> None:
        self._disable_optimization = value

    def __copy__(self):
        new_field = super().__copy__()
        new_field.refine = self.refine
        return new_field

    def get_queryset(self, queryset, info, **kwargs):
        if is_optimized_by_prefetching(queryset):
            return queryset  # already refined and cut when it was prefetched
        if self.refine is not None:
            queryset = self.refine(queryset)
        related_field_id = kwargs.get("_strawberry_related_field_id")
        queryset = super().get_queryset(queryset, info, **kwargs)
        if related_field_id is None:
            return queryset
        first, last = kwargs.get("first"), kwargs.get("last")
        before, after = kwargs.get("before"), kwargs.get("after")
        check_page_arguments(first=first, last=last, after=after, before=before)
        if first is None and last is None:
            first = DEFAULT_PAGE_SIZE
        page = SliceMetadata.from_arguments(
            info, first=first, last=last, before=before, after=after, max_results=MAX_PAGE_SIZE
        )
        backwards = page.expected is None
        queryset = apply_window_pagination(
            queryset,
            related_field_id=related_field_id,
            offset=page.start,
            limit=last if backwards else page.end - page.start,
            max_results=MAX_PAGE_SIZE,
            reverse=backwards,
        )
        # The optimizer marks only its own connection classes' prefetches as paginated;
        # unmarked, each parent would query its page again.
        return mark_optimized_by_prefetching(queryset)


def nested_connection(*, refine=None, **kwargs):
    """A `Connection` field over the relation named like the attribute (or `field_name`)."""
    field = strawberry_django.connection(field_cls=NestedConnectionField, **kwargs)
    field.refine = refine
    return field
