"""What the media tasks write: a photo's thumbnail set and its processing status.

Every function here is safe to run twice and after the photo was deleted (the tasks
that call them are delivered at least once): the row decides, read fresh each time.
"""

import io
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F

from live import outbox
from media_graph import playback, posters, storage, thumbnails
from media_graph.imaging import placeholders
from media_graph.models import Photo
from project.celery import enqueue_after_commit

logger = logging.getLogger(__name__)

Status = Photo.ProcessingStatus


def photo_make_thumbnails(*, photo_id: int, source=None, decoded=None) -> str | None:
    """Make the photo's set and mark it READY, in one statement; answers the status.

    Nothing to do (None) when the photo is gone, or READY already (a second delivery).
    Each run is counted first; past TASK_MAX_ATTEMPTS runs the photo is FAILED without
    another try (a set killed at the hard time limit would otherwise come back forever).
    `source` is the upload itself while it is still open (inline mode), which spares a
    download. Raises what rendering raised; `thumbnails.render` has then removed what
    it stored. Names are derived from the original's and the set's version, and saves
    overwrite, so an object an earlier attempt left under one of them is replaced.
    """
    # Counted before the work: a run killed at the hard time limit never reaches the end.
    counted = (
        Photo.objects.filter(pk=photo_id)
        .exclude(processing_status=Status.READY)
        .update(processing_attempts=F("processing_attempts") + 1)
    )
    if not counted:
        return None  # gone, or READY already
    photo = (
        Photo.objects.filter(pk=photo_id)
        .only("original", "processing_attempts", "kind", "duration_seconds", "thumbnails_version")
        .first()
    )
    if photo is None:
        return None
    if photo.processing_attempts > settings.TASK_MAX_ATTEMPTS:
        logger.error(
            "thumbnails for photo %s: %s runs, none finished; FAILED",
            photo_id,
            photo.processing_attempts - 1,
        )
        photo_processing_failed(photo_id=photo_id)
        return Status.FAILED
    name, images = photo.original.name, {}
    named = thumbnails.set_name(name, photo.thumbnails_version)
    if photo.kind == Photo.Kind.VIDEO:
        made = _video_set(photo, source, images, named)
    elif source is not None and not source.closed:
        made = thumbnails.render(source, relative_name=named, decoded=decoded, images=images)
    else:
        with thumbnails.open_original(name) as original:
            made = thumbnails.render(original, relative_name=named, decoded=decoded, images=images)
    with transaction.atomic():  # the status and its live event, together
        marked = Photo.objects.filter(pk=photo_id).update(
            thumbnails=made, processing_status=Status.READY, **_placeholders(images)
        )
        if marked:
            outbox.record_photo_changed(photo_id)
    if not marked:
        # Deleted while its set was being made: its delete task knew nothing of these.
        storage.delete(entry["name"] for entry in made.values())
        return None
    return Status.READY


def _video_set(photo: Photo, source, images: dict, named: str) -> dict[str, dict]:
    """A video's poster, the set made from it, and the copy others play; answers all
    three (the poster as "poster", the copy as "playback"). On failure none is left.

    The clip is read where it lies (the open upload inline, ranged reads of the stored
    object otherwise): the poster needs its header and one group of frames; the copy
    reads its packets once, without decoding them.
    """
    if source is not None and not source.closed:
        return _video_set_from(source, photo, images, named)
    with storage.open_ranged(photo.original.name) as clip:
        return _video_set_from(clip, photo, images, named)


def _video_set_from(clip, photo: Photo, images: dict, named: str) -> dict[str, dict]:
    poster, data = posters.make(clip, set_name=named, duration=photo.duration_seconds)
    made = {"poster": poster}
    copy = playback.key(photo.original.name, named)
    try:
        made.update(thumbnails.render(io.BytesIO(data), relative_name=named, images=images))
        made[playback.ENTRY] = playback.make(clip, original=photo.original.name, name=copy)
    except BaseException:
        # One call (one deadline) for the lot, the copy's name too: its write may have landed.
        storage.delete([*(entry["name"] for entry in made.values()), copy])
        raise
    return made


def _placeholders(images: dict) -> dict[str, str]:
    """blurhash and dominant_color, from MEDIUM: the smallest rendition of the whole frame
    (SMALL is a square crop, and a placeholder fills the image's own box)."""
    return placeholders.describe(images["medium"])


def photo_processing_failed(*, photo_id: int) -> None:
    """Making the set failed for good: FAILED, until the repair command re-queues it."""
    with transaction.atomic():
        failed = (
            Photo.objects.filter(pk=photo_id)
            .exclude(processing_status=Status.READY)
            .update(processing_status=Status.FAILED, thumbnails={}, blurhash="", dominant_color="")
        )
        if failed:
            outbox.record_photo_changed(photo_id)


def photo_thumbnails_gave_up(*, photo_id: int, error: BaseException) -> None:
    """Making the set failed for good (inline, or a task past its retries): logged with
    its cause, and FAILED until the repair command re-queues it."""
    logger.error(
        "thumbnails for photo %s failed for good; `manage.py make_thumbnails --fix` retries",
        photo_id,
        exc_info=error,
    )
    photo_processing_failed(photo_id=photo_id)


def photo_requeue(*, photo_id: int) -> bool:
    """Back to PENDING with no set, for a new task: the repair command's fix.

    A READY photo whose stored variants went missing loses its dead links here, and
    answers `thumbnail: null` until the new set is made. A recorded set's version goes
    up, so the new one gets new keys, and what is left of the old set leaves storage
    after the commit. False when the photo is gone.
    """
    with transaction.atomic():
        old = Photo.objects.select_for_update().filter(pk=photo_id).values_list("thumbnails")
        row = old.first()
        if row is None:
            return False
        names = [entry["name"] for entry in row[0].values()]
        Photo.objects.filter(pk=photo_id).update(
            processing_status=Status.PENDING,
            thumbnails={},
            processing_attempts=0,
            blurhash="",
            dominant_color="",
            thumbnails_version=F("thumbnails_version") + (1 if names else 0),
        )
        outbox.record_photo_changed(photo_id)
        transaction.on_commit(lambda: storage.delete(names))
    return True


def queue_thumbnails(photo_id: int, *, source=None, decoded=None) -> None:
    """After commit: a task makes the photo's set (inline: now, from the open upload)."""

    def inline() -> None:
        try:
            photo_make_thumbnails(photo_id=photo_id, source=source, decoded=decoded)
        except Exception as exc:
            photo_thumbnails_gave_up(photo_id=photo_id, error=exc)

    enqueue_after_commit("media.make_thumbnails", [photo_id], inline=inline)


def queue_delete(names: list[str]) -> None:
    """After commit: a task removes these objects (inline: one try, failures logged)."""
    names = [name for name in names if name]
    if names:
        enqueue_after_commit("media.delete_objects", [names], inline=lambda: storage.delete(names))
