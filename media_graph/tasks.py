"""Media work off the request path, as Celery tasks: thumbnail sets and object deletes.

Both are delivered at least once (acknowledged late, handed back when a worker dies),
so both are idempotent: a set for a photo that is READY or gone does nothing (and
removes what it stored if the photo went while it worked); deleting an object that is
gone already succeeds. Storage errors are retried with exponential backoff and full
jitter; a set that still fails is FAILED, a delete that still fails logs its keys (the
repair command's sweep finds them).

`queue_thumbnails` and `queue_delete` are how services hand work over, after commit;
without a broker the same work runs inline, once.
"""

import logging
import random
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError

from media_graph import storage
from media_graph.services.processing import photo_make_thumbnails, photo_processing_failed
from media_graph.variants import variants_make_ahead
from project.celery import enqueue_after_commit
from project.codes import PayloadCode

logger = logging.getLogger(__name__)


def _transient(exc: BaseException) -> bool:
    """Worth trying again later: storage did not answer. A run out of time is not: the
    same clip or image takes as long again (storage calls have deadlines of their own)."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return False
    if isinstance(exc, ValidationError):
        return exc.code == PayloadCode.STORAGE_UNAVAILABLE
    return isinstance(exc, storage.STORAGE_ERRORS)


def retry_countdown(retries: int) -> float:
    # Full jitter: workers that met the same outage do not all come back at once.
    ceiling = min(settings.TASK_RETRY_BACKOFF * 2**retries, settings.TASK_RETRY_BACKOFF_MAX)
    return random.uniform(0, ceiling)


@shared_task(bind=True, name="media.make_thumbnails")
def make_thumbnails(self, photo_id: int) -> str | None:
    try:
        status = photo_make_thumbnails(photo_id=photo_id)
    except Exception as exc:
        retries = self.request.retries
        if _transient(exc) and retries < settings.TASK_MAX_RETRIES:
            logger.warning("thumbnails for photo %s: %s; retry %s", photo_id, exc, retries + 1)
            raise self.retry(
                exc=exc, countdown=retry_countdown(retries), max_retries=settings.TASK_MAX_RETRIES
            ) from None
        _failed(photo_id)
        return "FAILED"
    if status == "READY":
        # The widths clients ask for most, so their first fetches rarely render in a web
        # process (best effort: what is missing is made on first fetch).
        variants_make_ahead(photo_id=photo_id)
    return status


def _failed(photo_id: int) -> None:
    logger.exception(
        "thumbnails for photo %s failed for good; `manage.py make_thumbnails --fix` retries",
        photo_id,
    )
    photo_processing_failed(photo_id=photo_id)


@shared_task(bind=True, name="media.delete_objects")
def delete_objects(self, names: list[str]) -> None:
    left = storage.delete(names)
    if not left:
        return
    retries = self.request.retries
    if retries < settings.TASK_DELETE_MAX_RETRIES:
        # Only what is still there; a key that went already is not asked for again.
        raise self.retry(
            args=[left],
            countdown=retry_countdown(retries),
            max_retries=settings.TASK_DELETE_MAX_RETRIES,
        )
    logger.error("gave up deleting %s; the repair command's sweep removes them", ", ".join(left))


@shared_task(name="media.publish_due_photos", acks_late=False)
def publish_due_photos() -> int:
    """Celery beat's: count scheduled photos whose time has come as PUBLISHED.

    Queries show them as published from that moment on; this only makes the status and
    the counters follow (every CELERY_BEAT_SCHEDULE interval, 30 s). Not acknowledged
    late: a lost run is made up by the next.
    """
    from media_graph.services.photos import photos_publish_due

    return photos_publish_due()


@shared_task(name="media.purge_uploads", acks_late=False)
def purge_uploads() -> int:
    """Celery beat's, hourly: what `manage.py purge_uploads` deletes by hand, so staged
    uploads nobody finalized never pile up (a PUT after finalize to S3's presigned URL,
    which cannot be revoked, lands there too). Only past the longest a target may still
    be finalized, and at least a day, as the command's default."""
    from media_graph.services.direct_uploads import photo_uploads_purge

    return len(photo_uploads_purge(older_than=uploads_purge_age()))


def uploads_purge_age() -> timedelta:
    from media_graph.services.direct_uploads import FINALIZE_GRACE

    finalizable = timedelta(seconds=settings.DIRECT_UPLOAD_EXPIRES_SECONDS) + FINALIZE_GRACE
    return max(timedelta(hours=24), finalizable)


def queue_thumbnails(photo_id: int, *, source=None, decoded=None) -> None:
    """After commit: a task makes the photo's set (inline: now, from the open upload)."""

    def inline() -> None:
        try:
            photo_make_thumbnails(photo_id=photo_id, source=source, decoded=decoded)
        except Exception:
            _failed(photo_id)

    enqueue_after_commit(make_thumbnails, [photo_id], inline=inline)


def queue_delete(names: list[str]) -> None:
    """After commit: a task removes these objects (inline: one try, failures logged)."""
    names = [name for name in names if name]
    if names:
        enqueue_after_commit(delete_objects, [names], inline=lambda: storage.delete(names))
