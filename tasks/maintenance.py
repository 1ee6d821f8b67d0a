"""Celery beat's periodic work (CELERY_BEAT_SCHEDULE). Not acknowledged late: a lost
run is made up by the next."""

from celery import shared_task

from media_graph.services.direct_uploads import photo_uploads_purge, uploads_purge_age
from media_graph.services.photos import photos_publish_due


@shared_task(name="media.publish_due_photos", acks_late=False)
def publish_due_photos() -> int:
    """Count scheduled photos whose time has come as PUBLISHED (every 30 s).

    Queries show them as published from that moment on; this makes the status and the
    counters follow.
    """
    return photos_publish_due()


@shared_task(name="media.purge_uploads", acks_late=False)
def purge_uploads() -> int:
    """Hourly: what `manage.py purge_uploads` deletes by hand, so staged uploads nobody
    finalized never pile up (a PUT after finalize to S3's presigned URL, which cannot be
    revoked, lands there too)."""
    return len(photo_uploads_purge(older_than=uploads_purge_age()))
