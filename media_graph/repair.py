"""Drift between the photo rows and the stored objects, found in one pass over both.

Two kinds: photos whose thumbnail set is missing (FAILED, PENDING for longer than a
task takes, READY with a set that is incomplete or whose objects are gone), and stored
objects no row refers to (an original whose write timed out and landed anyway, a set
or a ladder variant whose photo went while it was being made, a delete that gave up).
What a photo refers to is `models.photos.stored_names`, the list deletes use too.

Memory stays bounded however large the bucket: the rows (a server-side cursor) and
the listings of originals/, thumbnails/ and variants/ (one page at a time) are all read
in byte order of the original's uuid and joined as they stream, the way a merge join
does. Every key of a photo's objects carries that uuid right after its prefix
(`originals/<uuid>.<ext>`, `thumbnails/originals/<uuid>.<ext>.<set>.<options>`,
`variants/<uuid>/v<version>/<width>.<ext>`), so each original and its objects arrive
together.
"""

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models.functions import Collate
from django.utils import timezone

from media_graph import playback, storage, thumbnails
from media_graph.models import Photo, stored_names
from media_graph.models.variants import variant_names_by_photo

Status = Photo.ProcessingStatus
ORIGINALS = "originals/"
THUMBNAILS = "thumbnails/"
VARIANTS = "variants/"
_ROWS_CHUNK = 500


@dataclass(frozen=True)
class Finding:
    kind: str  # "photo" (its variants need making), "orphan" (an object), "lost" (no original)
    photo_id: int | None
    name: str
    reason: str

    def __str__(self) -> str:
        if self.kind == "orphan":
            return f"orphan {self.name}: {self.reason}"
        return f"photo {self.photo_id} ({self.name}): {self.reason}"


def find_drift(*, grace: timedelta) -> Iterator[Finding]:
    """Every finding, as the join meets it. Anything younger than `grace` is left alone:
    an upload stores its original before its row commits, and a queued set is PENDING."""
    cutoff = timezone.now() - grace
    rows = _rows_by_original()
    row = next(rows, None)
    for uuid, objects in _objects_by_uuid():
        while row is not None and row.uuid < uuid:
            yield from _judge(row, [], cutoff)
            row = next(rows, None)
        if row is not None and row.uuid == uuid:
            yield from _judge(row, objects, cutoff)
            row = next(rows, None)
        else:
            for name, modified in objects:
                if modified < cutoff:
                    yield Finding("orphan", None, name, "no photo refers to it")
    while row is not None:
        yield from _judge(row, [], cutoff)
        row = next(rows, None)


@dataclass(frozen=True)
class _Row:
    pk: int
    original: str
    status: str
    thumbnails: dict
    created_at: datetime
    blurhash: str
    kind: str
    variants: tuple[str, ...]  # its ImageVariant rows' names

    @property
    def uuid(self) -> str:
        return _uuid_of(self.original)


def _rows_by_original() -> Iterator[_Row]:
    # Byte order, as S3 lists keys (PostgreSQL's default collation sorts otherwise).
    order = Collate("original", "C") if connection.vendor == "postgresql" else "original"
    fields = ("pk", "original", "processing_status", "thumbnails", "created_at", "blurhash", "kind")
    rows = Photo.objects.order_by(order).values_list(*fields).iterator(chunk_size=_ROWS_CHUNK)
    while chunk := list(itertools.islice(rows, _ROWS_CHUNK)):
        # The chunk's ladder variants in one query.
        rendered = variant_names_by_photo([values[0] for values in chunk])
        for values in chunk:
            yield _Row(*values, variants=tuple(rendered.get(values[0], ())))


def _objects_by_uuid() -> Iterator[tuple[str, list[tuple[str, datetime]]]]:
    merged = heapq.merge(
        *(
            ((_uuid_of(name), name, modified) for name, modified in storage.listing(prefix))
            for prefix in (ORIGINALS, THUMBNAILS, VARIANTS)
        ),
        key=lambda entry: entry[0],
    )
    previous = ""
    for uuid, group in itertools.groupby(merged, key=lambda entry: entry[0]):
        if uuid < previous:
            # A name outside the server's own scheme: the join would take an object
            # that a row refers to for an orphan. Stop rather than delete it.
            raise RuntimeError(f"storage listing out of order at {uuid!r}")
        previous = uuid
        yield uuid, [(name, modified) for _, name, modified in group]


def _uuid_of(name: str) -> str:
    """The original's uuid in the key of any object of a photo (see the module's doc)."""
    # originals/<hex>.jpg, thumbnails/originals/<hex>.jpg.<...>, variants/<hex>/v1/640.webp
    if name.startswith(VARIANTS):
        return name.removeprefix(VARIANTS).partition("/")[0]
    return name.removeprefix(THUMBNAILS).removeprefix(ORIGINALS).partition(".")[0]


def _judge(row: _Row, objects: list[tuple[str, datetime]], cutoff: datetime) -> Iterator[Finding]:
    stored = {name for name, _ in objects}
    recorded = set(stored_names(row.original, row.thumbnails, row.variants))
    recorded.discard(row.original)
    set_names = {entry["name"] for entry in row.thumbnails.values()}
    if row.original not in stored:
        # Nothing can be made from it: an operator decides (restore it, or delete it).
        yield Finding("lost", row.pk, row.original, "its original is missing from storage")
        return
    if row.status == Status.READY:
        missing = set_names - stored
        if missing or len(set_names) < len(thumbnails.SIZES):
            # Its new set gets new names; the old objects are orphans after that.
            gone = f"{len(missing)} variant(s) gone" if missing else "an incomplete set"
            yield Finding("photo", row.pk, row.original, f"READY with {gone}")
            return
        if not row.blurhash:
            # Made before placeholders existed: its task makes them with a new set (the
            # set's MEDIUM is what they come from), over the same names.
            yield Finding("photo", row.pk, row.original, "READY without placeholders")
            return
        if row.kind == Photo.Kind.VIDEO and playback.ENTRY not in row.thumbnails:
            # Made before others were handed a copy without metadata: until its task
            # makes one (with a new set, over the same names), others get no video.
            yield Finding("photo", row.pk, row.original, "READY without the copy others play")
            return
        for name, modified in objects:
            if name != row.original and name not in recorded and modified < cutoff:
                yield Finding("orphan", None, name, f"not in photo {row.pk}'s set")
    elif row.status == Status.FAILED:
        yield Finding("photo", row.pk, row.original, "FAILED")
    elif row.created_at < cutoff:
        # What an earlier run left behind is an orphan once its new set is recorded.
        yield Finding("photo", row.pk, row.original, "PENDING since " + row.created_at.isoformat())
