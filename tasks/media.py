"""Media work off the request path: thumbnail sets and object deletes.

Both are delivered at least once (acknowledged late, handed back when a worker dies),
so both are idempotent: a set for a photo that is READY or gone does nothing (and
removes what it stored if the photo went while it worked); deleting an object that is
gone already succeeds. Storage outages are retried (tasks.base); a set that still fails,
or fails otherwise (a damaged file, a run out of time), is FAILED for good until the
repair command re-queues it; a delete that still fails logs its keys (the repair
command's sweep finds them). Services queue both (media_graph.services.processing).
"""

import logging

from celery import shared_task

from media_graph import storage
from media_graph.services.processing import photo_make_thumbnails, photo_thumbnails_gave_up
from media_graph.variants import variants_make_ahead
from project.errors import StorageUnavailable
from tasks.base import RetryingTask

logger = logging.getLogger(__name__)

# Worth another try: storage did not answer. A run out of time is not (a clip whose
# poster takes longer than the limit would take it again every time).
TRANSIENT = (StorageUnavailable, *storage.STORAGE_ERRORS)


class ThumbnailTask(RetryingTask):
    abstract = True

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        photo_thumbnails_gave_up(photo_id=args[0], error=exc)


@shared_task(base=ThumbnailTask, bind=True, name="media.make_thumbnails", autoretry_for=TRANSIENT)
def make_thumbnails(self, photo_id: int) -> str | None:
    status = photo_make_thumbnails(photo_id=photo_id)
    if status == "READY":
        # The widths clients ask for most, so their first fetches rarely render in a web
        # process (best effort: what is missing is made on first fetch).
        variants_make_ahead(photo_id=photo_id)
    return status


class DeleteTask(RetryingTask):
    abstract = True
    max_retries_setting = "TASK_DELETE_MAX_RETRIES"


class ObjectsLeft(Exception):
    """Some objects are still there after a delete: another try, for those alone."""


@shared_task(base=DeleteTask, bind=True, name="media.delete_objects")
def delete_objects(self, names: list[str]) -> None:
    left = storage.delete(names)
    if not left:
        return
    if self.request.retries < self.max_retries:
        # Only what is still there; a key that went already is not asked for again.
        raise self.retry(args=[left], exc=ObjectsLeft(", ".join(left)))
    logger.error("gave up deleting %s; the repair command's sweep removes them", ", ".join(left))
