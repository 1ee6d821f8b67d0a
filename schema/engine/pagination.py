"""Offset cursors, and one page per parent cut inside the optimizer's prefetch.

The page rules (sizes, which cursors are acceptable) live in schema/pagination.py; this
module only knows how strawberry-django and Strawberry cut and count pages.
"""

from collections.abc import Callable
from typing import Any

from strawberry.relay.types import PREFIX
from strawberry.relay.utils import SliceMetadata, from_base64
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.optimizer import (
    is_optimized_by_prefetching,
    mark_optimized_by_prefetching,
)
from strawberry_django.pagination import apply_window_pagination

from schema.engine.optimizer import planning_for_one_parent

PRIVATE_NAMES = (
    "strawberry.relay.types.PREFIX",
    "strawberry.relay.utils.from_base64",
    "strawberry.relay.utils.SliceMetadata.from_arguments",
    "strawberry_django.fields.field:'self.disable_optimization'",
    "strawberry_django.fields.field.StrawberryDjangoField.get_queryset",
    "strawberry_django.optimizer.is_optimized_by_prefetching",
    "strawberry_django.optimizer.mark_optimized_by_prefetching",
    "strawberry_django.pagination.apply_window_pagination",
    # The window count on each row, and the kwarg naming the relation of a prefetch.
    "strawberry_django.pagination:'_strawberry_total_count'",
    "strawberry_django.pagination:'_strawberry_related_field_id'",
)


def cursor_offset(cursor: str) -> int | None:
    """The offset an offset cursor names, or None when it is not such a cursor."""
    try:
        prefix, offset = from_base64(cursor)
    except ValueError:
        return None
    if prefix != PREFIX or not (offset.isascii() and offset.isdigit()):
        return None
    return int(offset)


def window_total(node: Any) -> int | None:
    """The count of every row of the page's relation, when the window put it on the row."""
    return getattr(node, "_strawberry_total_count", None)


class PagePerParentField(StrawberryDjangoField):
    """A connection field over a relation, whose page is cut per parent inside a prefetch.

    strawberry-django cuts nested pages only for its own connection classes; this does
    the cut for any connection, with the page arguments `page_arguments` settles (a
    subclass applies its rules there). `refine` orders (or narrows) the related rows on
    both paths, prefetched or not. While the optimizer plans the rows of a field that
    answers one object, the field stays out of the plan and fetches its own page when it
    is resolved.
    """

    refine: Callable | None = None
    max_page_size: int  # the most rows one page may hold
    _disable_optimization = False

    def page_arguments(
        self, first: int | None, last: int | None, before: str | None, after: str | None
    ) -> tuple[int | None, int | None]:
        """(first, last) to cut with, after the caller's rules; raise to refuse them."""
        raise NotImplementedError

    @property
    def disable_optimization(self) -> bool:
        # Read by the optimizer for each selected field while it plans a queryset, and by
        # the field itself when it resolves (then planning is over: it optimizes its page).
        return self._disable_optimization or planning_for_one_parent()

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
        before, after = kwargs.get("before"), kwargs.get("after")
        first, last = self.page_arguments(kwargs.get("first"), kwargs.get("last"), before, after)
        max_results = self.max_page_size
        page = SliceMetadata.from_arguments(
            info, first=first, last=last, before=before, after=after, max_results=max_results
        )
        backwards = page.expected is None
        queryset = apply_window_pagination(
            queryset,
            related_field_id=related_field_id,
            offset=page.start,
            limit=last if backwards else page.end - page.start,
            max_results=max_results,
            reverse=backwards,
        )
        # The optimizer marks only its own connection classes' prefetches as paginated;
        # unmarked, each parent would query its page again.
        return mark_optimized_by_prefetching(queryset)
