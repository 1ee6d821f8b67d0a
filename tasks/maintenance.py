"""Celery beat's periodic work (CELERY_BEAT_SCHEDULE). Not acknowledged late: a lost
run is made up by the next."""

from celery import shared_task

from live import outbox
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


@shared_task(name="live.republish_events", acks_late=False)
def republish_live_events() -> int:
    """Every 10 s: live events a crash left unpublished between commit and publish."""
    return outbox.republish()


@shared_task(name="live.expire_events", acks_late=False)
def expire_live_events() -> int:
    """Hourly: outbox rows past LIVE_EVENT_RETENTION_SECONDS (replay reaches no further)."""
    return outbox.expire()
