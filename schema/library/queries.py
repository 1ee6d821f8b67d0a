"""The owner's library: timeline, memories and search (docs/library.md)."""

from datetime import UTC, datetime

import strawberry
import strawberry_django

from media_graph import models
from media_graph.library import days, search
from schema.core.connections import Connection
from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.engine.optimizer import optimized
from schema.media.types import Photo


@strawberry.type(description="How many of the viewer's photos were taken in one month.")
class TimelineBucket:
    month: str = strawberry.field(description='"2026-12": takenAt (else createdAt), in UTC.')
    count: int


class _MemoryPhotos:
    """The photos of every memory in one answer, fetched together by the first memory
    whose photos are resolved (the others' selection is the same field)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        self.rows: dict[int, models.Photo] | None = None

    def of(self, ids: list[int], info: Info) -> list[models.Photo]:
        if self.rows is None:
            rows = Photo.get_queryset(models.Photo.objects.filter(pk__in=self.ids), info)
            self.rows = {photo.pk: photo for photo in optimized(rows, info)}
        return [self.rows[pk] for pk in ids if pk in self.rows]


@strawberry.type(description="The viewer's photos taken on one day of an earlier year.")
class Memory:
    years_ago: int
    photo_ids: strawberry.Private[list[int]]
    batch: strawberry.Private[_MemoryPhotos]

    @strawberry.field(description=f"At most {days.PHOTOS_PER_MEMORY}, oldest first.")
    def photos(self, info: Info) -> list[Photo]:
        return self.batch.of(self.photo_ids, info)


def _day(date: str | None) -> tuple[int, int, datetime]:
    today = datetime.now(UTC)
    if date is None:
        return today.month, today.day, today
    try:
        month, day = days.parse_day(date)
    except ValueError:
        raise BadUserInput("'date' takes a day of the year as \"MM-DD\".") from None
    return month, day, today


@strawberry.type
class Query:
    @strawberry.field(
        description=(
            "The viewer's own photos per month of takenAt (else createdAt, UTC), newest month "
            f"first; at most {days.TIMELINE_MAX_MONTHS} months. UNAUTHENTICATED error when "
            "anonymous."
        )
    )
    def timeline(self, info: Info) -> list[TimelineBucket]:
        viewer = info.context.viewer_or_graphql_error()
        return [TimelineBucket(month=m, count=c) for m, c in days.timeline(viewer)]

    @strawberry.field(
        description=(
            '"On this day" (date "MM-DD", default today in UTC): the viewer\'s own photos taken '
            "(takenAt, UTC) on that day in earlier years, most recent year first; at most "
            f"{days.MAX_MEMORIES} years. Empty for anonymous viewers."
        )
    )
    def memories(self, info: Info, date: str | None = None) -> list[Memory]:
        month, day, today = _day(date)
        found = days.memories(info.context.viewer, month, day, today.date())
        batch = _MemoryPhotos([pk for memory in found for pk in memory.photo_ids])
        return [Memory(years_ago=m.years_ago, photo_ids=m.photo_ids, batch=batch) for m in found]

    @strawberry_django.field(
        description=(
            "Full text over captions, alt text and tags of the published photos the viewer "
            "may see, "
            f"best match first (then newest); query 1-{search.MAX_QUERY_CHARS} characters, "
            f"at most {search.MAX_QUERY_WORDS} words, every one of which must match."
        )
    )
    def search(
        self, info: Info, query: str, first: int | None = None, after: str | None = None
    ) -> Connection[Photo]:
        words = _query_words(query)
        # Published only, the viewer's own drafts too: the issue says drafts never match,
        # and the contract's "photos the viewer may see" bounds it from above.
        rows = Photo.get_queryset(models.Photo.objects.all(), info).published()
        found = search.matching(rows, words)
        return Connection.resolve_connection(
            optimized(found, info), info=info, first=first, after=after
        )


def _query_words(query: str) -> list[str]:
    if not 1 <= len(query) <= search.MAX_QUERY_CHARS:
        raise BadUserInput(f"'query' takes 1 to {search.MAX_QUERY_CHARS} characters.")
    words = search.words(query)
    if len(words) > search.MAX_QUERY_WORDS:
        raise BadUserInput(f"'query' takes at most {search.MAX_QUERY_WORDS} words.")
    return words
