"""The owner's photos by time: counts per month (timeline) and "on this day" (memories).

Both read only the viewer's own photos (PhotoQuerySet.own_of), in UTC.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import models
from django.db.models.functions import Coalesce, DenseRank, ExtractYear, RowNumber, TruncMonth

from media_graph.models import Photo

# Months in one timeline at most (the newest): a hundred years of photos.
TIMELINE_MAX_MONTHS = 1200
# Memories in one answer at most (the most recent years), and photos in each.
MAX_MEMORIES = 25
PHOTOS_PER_MEMORY = 20

_DAY = re.compile(r"(\d{2})-(\d{2})")


def timeline_rows(viewer) -> models.QuerySet:
    """(month start, count) rows, newest first: one statement, an index-only scan of
    (owner, taken_at, created_at) (COUNT(*), so no other column is read)."""
    month = TruncMonth(Coalesce("taken_at", "created_at"), tzinfo=UTC)
    return (
        Photo.objects.own_of(viewer)
        .annotate(month=month)
        .values("month")
        .annotate(count=models.Count("*"))
        .order_by("-month")
        .values_list("month", "count")[:TIMELINE_MAX_MONTHS]
    )


def timeline(viewer) -> list[tuple[str, int]]:
    """("2026-12", count) per month of takenAt (else createdAt, UTC), newest month first."""
    return [(f"{start.year:04d}-{start.month:02d}", n) for start, n in timeline_rows(viewer)]


def parse_day(text: str) -> tuple[int, int]:
    """(month, day) of "MM-DD"; ValueError for anything else (02-29 is a day)."""
    match = _DAY.fullmatch(text)
    if match is None:
        raise ValueError(text)
    month, day = int(match[1]), int(match[2])
    date(2000, month, day)  # a leap year: raises for 02-30, 13-01, 00-10
    return month, day


@dataclass(frozen=True)
class Memory:
    years_ago: int
    photo_ids: list[int]  # oldest first


def memory_rows(viewer, month: int, day: int, today: date) -> models.QuerySet:
    """(year, pk) of the photos `memories` shows, most recent year first, each year's
    oldest first: one windowed statement over the (owner, taken_month, taken_day) index."""
    year = ExtractYear("taken_at", tzinfo=UTC)
    before_this_year = datetime(today.year, 1, 1, tzinfo=UTC)
    return (
        Photo.objects.own_of(viewer)
        .filter(taken_month=month, taken_day=day, taken_at__lt=before_this_year)
        .annotate(
            year=year,
            place=models.Window(
                RowNumber(), partition_by=[year], order_by=[models.F("taken_at").asc(), "pk"]
            ),
            recency=models.Window(DenseRank(), order_by=[year.desc()]),
        )
        .filter(place__lte=PHOTOS_PER_MEMORY, recency__lte=MAX_MEMORIES)
        .order_by("-year", "taken_at", "pk")
        .values_list("year", "pk")
    )


def memories(viewer, month: int, day: int, today: date) -> list[Memory]:
    """The viewer's photos taken (UTC) on `month`-`day` in years before `today`'s, grouped
    by year, most recent year first; the oldest PHOTOS_PER_MEMORY of each year, of the
    MAX_MEMORIES most recent years."""
    grouped: dict[int, list[int]] = {}
    for taken_year, pk in memory_rows(viewer, month, day, today):
        grouped.setdefault(taken_year, []).append(pk)
    return [Memory(today.year - y, ids) for y, ids in grouped.items()]
