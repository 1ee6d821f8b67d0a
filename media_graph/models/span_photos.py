"""Event.span_photos: an event's photos prefetched for many events in one query.

An event's photos are no relation Django knows (no column points from one to the
other: they are the owner's photos whose moment falls in the span), so this descriptor
teaches `prefetch_related` the join: photos JOIN events ON the same owner and the moment
within [start, end]. Each photo row comes once per event it falls in, annotated with
that event's pk (SPAN_EVENT), which is how the rows are handed to their events.

    Prefetch("span_photos", queryset=<photos the viewer may see>, to_attr=...)

The queryset may carry a cut on its query (`with_cut`): a function applied to the joined
rows with the name of the per-event column, so a page per event is cut in the same
statement (the schema cuts keyset pages that way; media_graph knows nothing of pages).
"""

import functools
import operator
from collections.abc import Callable

from django.db import models

from media_graph.querysets import taken_or_made

SPAN_EVENT = "span_event_pk"


def with_cut(queryset: models.QuerySet, cut: Callable) -> models.QuerySet:
    """`queryset`, whose joined rows `cut(rows, SPAN_EVENT)` narrows (on the query, which
    every clone copies)."""
    queryset = queryset.all()
    queryset.query.span_cut = cut
    return queryset


class SpanPhotos:
    """A descriptor with Django's prefetch protocol (`get_prefetch_querysets`), as
    GenericForeignKey has; read outside a prefetch it answers nothing useful, so it
    refuses."""

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        raise AttributeError("span_photos is read through Prefetch(..., to_attr=...) only")

    def is_cached(self, instance) -> bool:
        return False

    def get_prefetch_querysets(self, instances, querysets=None):
        if not querysets:  # whose photos: the caller's visibility rule must say
            raise ValueError("Prefetch span_photos with a queryset of photos.")
        queryset = querysets[0]
        # One annotate: every F() reuses the same join to the owner's events.
        rows = (
            queryset.annotate(
                **{
                    SPAN_EVENT: models.F("owner__events__pk"),
                    "span_start": models.F("owner__events__start"),
                    "span_end": models.F("owner__events__end"),
                }
            )
            .alias(span_moment=taken_or_made())
            .filter(
                **{f"{SPAN_EVENT}__in": [event.pk for event in instances]},
                span_moment__gte=models.F("span_start"),
                span_moment__lte=models.F("span_end"),
            )
        )
        # The spans are known here: given as constants too, PostgreSQL reads the index
        # photo_owner_moment once per span. With the join's conditions alone it cannot
        # estimate a range between two columns, hashes all of the owners' photos instead
        # and filters (EXPLAIN ANALYZE, 20 events over 40,000 photos: 332 ms; so, 16 ms).
        rows = rows.filter(
            functools.reduce(
                operator.or_,
                (
                    models.Q(owner_id=event.owner_id, span_moment__range=(event.start, event.end))
                    for event in instances
                ),
            )
        )
        cut = getattr(queryset.query, "span_cut", None)
        if cut is not None:
            rows = cut(rows, SPAN_EVENT)
        return (
            rows,
            lambda photo: getattr(photo, SPAN_EVENT),
            lambda event: event.pk,
            False,
            "span_photos",
            False,
        )
