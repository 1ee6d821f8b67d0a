"""One keyset page per parent, cut inside the optimizer's prefetch.

The page rules (sizes, cursors) live in schema/core/connections.py; the keys and windows in
keyset.py; this module only knows how strawberry-django prefetches a relation's rows.
GRAPHQL_ENGINE_PAGES=0 leaves every nested page out of its parents' plan: each parent
then fetches its own page when resolved (the same page, a query per parent).
"""

from collections.abc import Callable

from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.optimizer import (
    is_optimized_by_prefetching,
    mark_optimized_by_prefetching,
)

from schema.engine.keyset import Order, order_of, window_page
from schema.engine.optimizer import planning, planning_for_one_parent
from schema.engine.switches import switches

PRIVATE_NAMES = (
    "strawberry_django.fields.field:'self.disable_optimization'",
    "strawberry_django.fields.field.StrawberryDjangoField.get_queryset",
    "strawberry_django.optimizer.is_optimized_by_prefetching",
    "strawberry_django.optimizer.mark_optimized_by_prefetching",
    # The kwarg naming the relation of a prefetch.
    "strawberry_django.pagination:'_strawberry_related_field_id'",
)


def is_prefetched_page(queryset) -> bool:
    """Whether these rows are one parent's page, cut and fetched with its siblings'."""
    return is_optimized_by_prefetching(queryset)


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
    _disable_optimization = False

    def page_arguments(
        self,
        order: Order,
        *,
        first: int | None,
        last: int | None,
        before: str | None,
        after: str | None,
    ) -> tuple[int | None, int | None, list | None, list | None]:
        """(first, last, after key, before key) to cut with; raise to refuse them."""
        raise NotImplementedError

    @property
    def disable_optimization(self) -> bool:
        # Read by the optimizer for each selected field while it plans a queryset, and by
        # the field itself when it resolves (then planning is over: it optimizes its page).
        # With GRAPHQL_ENGINE_PAGES off, every parent fetches its own page that way.
        if self._disable_optimization or planning_for_one_parent():
            return True
        return planning() and not switches().pages

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
        queryset, order = order_of(queryset)
        first, last, after, before = self.page_arguments(
            order,
            first=kwargs.get("first"),
            last=kwargs.get("last"),
            before=kwargs.get("before"),
            after=kwargs.get("after"),
        )
        queryset = window_page(
            queryset,
            order,
            parent=related_field_id,
            after=after,
            before=before,
            first=first,
            last=last,
        )
        # The optimizer marks only its own connection classes' prefetches as paginated;
        # unmarked, each parent would query its page again.
        return mark_optimized_by_prefetching(queryset)
