"""Keyset pages: a page starts after a row's sort key, never at an offset.

A list's order is whatever its queryset orders by (plus the primary key, when the
order does not end with it). `order_of` reads that order the way the SQL compiler
resolves it, so the keys are the same expressions over the same joins the ORDER BY
uses (a like's `created_at` for `Photo.likes`, an album entry's position for
`Album.photos`): filtering on a relation's column in a new `filter()` would join the
relation a second time and compare against any row of it.

Two ways to cut a page:
- `page_rows`: WHERE key > cursor, LIMIT n, on the key's index (top-level lists, and
  a relation under a single parent).
- `window_page`: for one prefetch of many parents' pages, ROW_NUMBER and COUNT over
  each parent's rows, and where the cursor falls counted in the same windows. The
  total stays the count of all the parent's rows, and a row added before the cursor
  moves neither the cursor nor the page.

Keys are never null here: every list orders by non-null columns (or a COALESCE of them).
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Count, ExpressionWrapper, F, Q, Sum, Value, When, Window
from django.db.models.expressions import Col
from django.db.models.functions import Least, RowNumber
from django.db.models.lookups import Exact, GreaterThan, LessThan, LessThanOrEqual

PRIVATE_NAMES = (
    # The ORDER BY as the compiler resolves it, with the joins it sets up.
    "django.db.models.sql.compiler.SQLCompiler.get_order_by",
    "django.db.models.expressions.Col",
)

KEY = "_keyset_{}"  # the annotation holding a row's n-th key
RANK = "_keyset_rank"  # 1 for the first of a parent's rows, in list order
TOTAL = "_keyset_total"  # how many rows the parent has in all


@dataclass(frozen=True)
class KeyPart:
    expression: models.Expression  # resolved: it names the query's own joins
    descending: bool

    @property
    def output_field(self) -> models.Field:
        return self.expression.output_field


@dataclass(frozen=True)
class Order:
    """A list's sort key: its parts, and a digest that tells one list's keys from another's."""

    parts: tuple[KeyPart, ...]
    digest: str


def _describe(expression) -> str:
    if isinstance(expression, Col):
        return f"{expression.target.model._meta.label}.{expression.target.attname}"
    sources = ",".join(_describe(source) for source in expression.get_source_expressions())
    return f"{type(expression).__name__}({sources})"


def order_of(queryset: models.QuerySet) -> tuple[models.QuerySet, Order]:
    """The queryset with each row's key annotated (KEY), and the key's order."""
    queryset = queryset.all()
    compiler = queryset.query.get_compiler(using=queryset.db)
    parts = [KeyPart(order.expression, order.descending) for order, _ in compiler.get_order_by()]
    pk = queryset.model._meta.pk
    if not parts or not (
        isinstance(parts[-1].expression, Col) and parts[-1].expression.target == pk
    ):
        # Equal keys would make a page boundary ambiguous: the primary key breaks ties.
        descending = parts[-1].descending if parts else False
        parts.append(KeyPart(F("pk").resolve_expression(queryset.query), descending))
        ordering = queryset.query.order_by
        if not ordering and queryset.query.default_ordering:
            ordering = queryset.model._meta.ordering
        queryset = queryset.order_by(*ordering, "-pk" if descending else "pk")
    described = "|".join(f"{_describe(p.expression)}{'-' if p.descending else '+'}" for p in parts)
    digest = hashlib.blake2b(described.encode(), digest_size=6).hexdigest()
    # Wrapped: Django's windowed query (QUALIFY emulation) drops an annotation that
    # equals a selected column, and then reads every later column from the wrong place.
    annotations = {
        KEY.format(i): ExpressionWrapper(part.expression, output_field=part.output_field)
        for i, part in enumerate(parts)
    }
    order = Order(tuple(parts), digest)
    return _remember(queryset.annotate(**annotations), order), order


def _remember(queryset: models.QuerySet, order: Order) -> models.QuerySet:
    # On the query, which every clone of the queryset copies (a prefetch's rows too).
    queryset.query.keyset_order = order
    return queryset


def order_in(queryset: models.QuerySet) -> Order | None:
    """The order `order_of` annotated this queryset (or the one it was cloned from) in."""
    return getattr(queryset.query, "keyset_order", None)


def rank_of(row: Any) -> int:
    """A row's place (from 1) among its parent's, in a `window_page`."""
    return getattr(row, RANK)


def total_of(row: Any) -> int:
    """How many rows its parent has, in a `window_page`."""
    return getattr(row, TOTAL)


def key_of(row: Any, order: Order) -> list:
    """The key values of a row annotated by `order_of`."""
    return [getattr(row, KEY.format(i)) for i in range(len(order.parts))]


def beyond(order: Order, values: list, *, backwards: bool = False) -> Q:
    """Rows strictly after the key in list order (strictly before it when backwards)."""
    condition = None
    for part, value in reversed(list(zip(order.parts, values, strict=True))):
        value = Value(value, output_field=part.output_field)
        later = GreaterThan if part.descending == backwards else LessThan
        strictly = Q(later(part.expression, value))
        if condition is not None:  # or equal here, and beyond on the parts after it
            strictly |= Q(Exact(part.expression, value)) & condition
        condition = strictly
    return condition


def page_rows(
    queryset: models.QuerySet,
    order: Order,
    *,
    after: list | None,
    before: list | None,
    first: int | None,
    last: int | None,
    with_total: bool = False,
) -> tuple[list, bool, bool, int | None]:
    """(rows, has_previous, has_next, total) of one keyset page, with LIMIT.

    `with_total` counts every row of the list in the same query (a window over the
    unfiltered rows), which only a first page without cursors can do; the total is None
    otherwise.
    """
    if after is not None:
        queryset = queryset.filter(beyond(order, after))
    if before is not None:
        queryset = queryset.filter(beyond(order, before, backwards=True))
    counted = with_total and after is None and before is None
    if counted:
        queryset = queryset.annotate(**{TOTAL: Window(Count(1))})
    if first is None:  # the last n: read backwards from the end, then turn around
        rows = list(queryset.reverse()[: last + 1])
        has_previous, has_next = len(rows) > last, before is not None
        rows = rows[:last][::-1]
    else:
        rows = list(queryset[: first + 1])
        has_previous, has_next = after is not None, len(rows) > first or before is not None
        rows = rows[:first]
        if last is not None and len(rows) > last:
            rows, has_previous = rows[len(rows) - last :], True
    total = None
    if counted:
        total = getattr(rows[0], TOTAL) if rows else 0
    return rows, has_previous, has_next, total


def _count_where(condition: Q, partition) -> Window:
    return Window(Sum(Case(When(condition, then=1), default=0)), partition_by=partition)


def window_page(
    queryset: models.QuerySet,
    order: Order,
    *,
    parent: str,
    after: list | None,
    before: list | None,
    first: int | None,
    last: int | None,
) -> models.QuerySet:
    """Each parent's page of a prefetch, numbered (RANK) and counted (TOTAL) per parent."""
    partition = [F(parent)]
    ordering = [
        part.expression.desc() if part.descending else part.expression.asc() for part in order.parts
    ]
    queryset = queryset.annotate(
        **{
            RANK: Window(RowNumber(), partition_by=partition, order_by=ordering),
            TOTAL: Window(Count(1), partition_by=partition),
        }
    )
    # The page is the ranks in (lower, end]: past the rows up to the `after` key, up to
    # the rows before the `before` key, cut to `first` from the start and then to
    # `last` from the end.
    rank = F(RANK)
    lower = _count_where(~beyond(order, after), partition) if after is not None else None
    ends = []
    if before is not None:
        ends.append(_count_where(beyond(order, before, backwards=True), partition))
    if first is not None:
        ends.append(Value(first) if lower is None else lower + Value(first))
    conditions = [GreaterThan(rank, lower)] if lower is not None else []
    conditions += [LessThanOrEqual(rank, end) for end in ends]
    if last is not None:
        end = F(TOTAL) if not ends else ends[0] if len(ends) == 1 else Least(*ends)
        conditions.append(GreaterThan(rank, end - Value(last)))
    return queryset.filter(*conditions) if conditions else queryset
