"""The thumbnail task's body: a set that never finishes ends FAILED instead of looping.

A worker killed at the hard time limit hands its message back (acks_late,
reject_on_worker_lost), so the task itself must stop a set that always outlives it.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_graph import thumbnails
from media_graph.models import Photo
from media_graph.services.processing import photo_make_thumbnails, photo_requeue
from tests.support.factories import photo_row
from tests.support.images import make_jpeg

Status = Photo.ProcessingStatus


def stored_photo(alice) -> Photo:
    photo = photo_row(alice, published=False)
    photo.original = default_storage.save("originals/attempts.jpg", ContentFile(make_jpeg()))
    photo.processing_status = Status.PENDING
    photo.save()
    return photo


def test_each_run_counts_and_one_past_the_cap_fails_without_rendering(
    alice, media, settings, monkeypatch
):
    settings.TASK_MAX_ATTEMPTS = 3
    photo = stored_photo(alice)
    Photo.objects.filter(pk=photo.pk).update(processing_attempts=3)  # three runs killed
    rendered = []
    monkeypatch.setattr(thumbnails, "render", lambda *a, **k: rendered.append(a))

    assert photo_make_thumbnails(photo_id=photo.pk) == Status.FAILED

    photo.refresh_from_db()
    assert (photo.processing_status, photo.processing_attempts) == (Status.FAILED, 4)
    assert rendered == []


def test_a_run_within_the_cap_makes_the_set_and_the_repair_resets_the_count(alice, media, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    photo = stored_photo(alice)
    Photo.objects.filter(pk=photo.pk).update(processing_attempts=2)

    assert photo_make_thumbnails(photo_id=photo.pk) == Status.READY

    photo.refresh_from_db()
    assert (photo.processing_status, photo.processing_attempts) == (Status.READY, 3)
    assert set(photo.thumbnails) == {"small", "medium", "large"}
    assert photo_make_thumbnails(photo_id=photo.pk) is None  # a second delivery: nothing
    assert Photo.objects.get(pk=photo.pk).processing_attempts == 3
    assert photo_requeue(photo_id=photo.pk)
    assert Photo.objects.get(pk=photo.pk).processing_attempts == 0
