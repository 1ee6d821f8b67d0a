"""An event's photos, a page per event, prefetched for a list of events in one query.

The rows come from media_graph/models/span_photos.py (photos JOIN events by owner and span);
this module cuts them: a keyset page per event for `Event.photos`, the first photo per
event for `Event.cover`. With the optimizer off (or a resolver that loaded an event
itself), the same rows are read for that one event (`event_photos`).
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch
from django.db.models.functions import RowNumber
from graphql import get_argument_values

from media_graph.models import Photo
from media_graph.models.span_photos import with_cut
from media_graph.querysets import event_photos, taken_or_made
from schema.core import cursors
from schema.core.connections import check_page_sizes
from schema.engine.keyset import order_of, window_page
from schema.engine.optimizer import optimized

PAGE_ATTR = "photos_page_{}"
COVER_ATTR = "cover_rows"


def oldest_first(rows: models.QuerySet) -> models.QuerySet:
    return rows.order_by(taken_or_made().asc(), models.F("id").asc())


@dataclass(frozen=True)
class PageCut:
    """Each event's keyset page of its joined rows (a class, not a closure: plans copy it)."""

    first: int | None
    last: int | None
    after: str | None

    def __call__(self, rows: models.QuerySet, parent: str) -> models.QuerySet:
        rows, order = order_of(oldest_first(rows))
        after = None if self.after is None else cursors.decode(self.after, order, "after")
        return window_page(
            rows, order, parent=parent, after=after, before=None, first=self.first, last=None
        )


@dataclass(frozen=True)
class CoverCut:
    """Each event's cover: its explicit cover among the rows, else its first row."""

    def __call__(self, rows: models.QuerySet, parent: str) -> models.QuerySet:
        explicit = models.Case(
            models.When(pk=models.F("owner__events__cover_id"), then=0), default=1
        )
        ranked = rows.annotate(
            cover_rank=models.Window(
                RowNumber(),
                partition_by=[models.F(parent)],
                order_by=[explicit.asc(), taken_or_made().asc(), models.F("id").asc()],
            )
        )
        return ranked.filter(cover_rank=1)


def _arguments(info) -> dict:
    raw = getattr(info, "_raw_info", info)
    definition = raw.parent_type.fields[raw.field_name]
    return get_argument_values(definition, raw.field_nodes[0], raw.variable_values)


def _visible_photos(info) -> models.QuerySet:
    return Photo.objects.visible_to(info.context.viewer)


def page_prefetch(info) -> Prefetch:
    """The `photos` field's hint: every event's page in one query, under the alias's name."""
    arguments = _arguments(info)
    first, last = check_page_sizes(first=arguments.get("first"), last=None)
    rows = with_cut(_visible_photos(info), PageCut(first, last, arguments.get("after")))
    alias = getattr(info, "_raw_info", info).path.key
    return Prefetch("span_photos", queryset=optimized(rows, info), to_attr=PAGE_ATTR.format(alias))


def cover_prefetch(info) -> Prefetch:
    rows = with_cut(_visible_photos(info), CoverCut())
    return Prefetch("span_photos", queryset=optimized(rows, info), to_attr=COVER_ATTR)


def one_event_photos(event, info) -> models.QuerySet:
    """An event's photos when no prefetch brought them (the engine's switches or a
    resolver's own row): the same rows, for this event."""
    return optimized(oldest_first(event_photos(info.context.viewer, event)), info)


def page_order():
    """The order of every event's photos (the same digest with or without the join)."""
    return order_of(oldest_first(Photo.objects.all()))[1]
