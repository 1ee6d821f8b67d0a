"""Photo writes: upload, edit, publish, unpublish, delete (the media work is queued)."""

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from media_graph import imaging, storage, tasks, thumbnails
from media_graph.models import Album, Photo, original_key
from media_graph.services.albums import album_add_photos
from media_graph.services.tags import photo_set_tags
from project.celery import broker_configured
from project.codes import PayloadCode
from project.services import model_update
from users.locks import hold_users
from users.models import User

logger = logging.getLogger(__name__)


class DuplicatePhoto(ValidationError):
    """The owner uploaded these exact bytes before; `existing` is that photo."""

    def __init__(self, existing: Photo) -> None:
        super().__init__(
            {
                "original": ValidationError(
                    "You uploaded this photo already.", code=PayloadCode.DUPLICATE
                )
            }
        )
        self.existing = existing


def _file_error(code: str, message: str) -> ValidationError:
    return ValidationError({"original": ValidationError(message, code=code)})


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _check_owner(photo: Photo, actor: User) -> None:
    if photo.owner_id != actor.pk:
        raise PermissionDenied("Only the photo's owner may do this.")


def _count_published(photo: Photo, delta: int) -> None:
    """Move the owner's and the tags' published-photo counters by `delta` (+1 or -1)."""
    from media_graph.models import Tag

    User.objects.filter(pk=photo.owner_id).update(photos_count=F("photos_count") + delta)
    Tag.objects.filter(photos=photo).update(photos_count=F("photos_count") + delta)


def photo_upload(
    *,
    owner: User,
    file,
    caption: str = "",
    alt_text: str = "",
    publish: bool = False,
    album: Album | None = None,
) -> Photo:
    """Validate, store the original, then write the row; thumbnails follow the commit.

    Checks run in the contract's order and before anything is written. If the row
    cannot be written, the stored original is deleted again: no orphans.
    """
    if album is not None and album.owner_id != owner.pk:
        raise PermissionDenied("Photos go only into your own albums.")
    if file.size > settings.MAX_UPLOAD_BYTES:  # an upload cut short says how much came
        limit = settings.MAX_UPLOAD_BYTES
        raise _file_error(PayloadCode.FILE_TOO_LARGE, f"The file is larger than {limit} bytes.")
    try:
        info = imaging.probe(
            file,
            max_pixels=settings.MAX_IMAGE_PIXELS,
            max_aspect_ratio=settings.MAX_IMAGE_ASPECT_RATIO,
            # Inline, the set is made from this decode; a worker decodes from storage.
            keep_for=None if broker_configured() else thumbnails.largest_box(),
        )
    except imaging.ImageRejected as exc:
        raise _file_error(exc.code, str(exc)) from None
    digest = _sha256(file)
    existing = Photo.objects.filter(owner=owner, sha256=digest).first()
    if existing is not None:
        raise DuplicatePhoto(existing)

    photo = Photo(
        owner=owner,
        caption=caption,
        alt_text=alt_text,
        content_type=info.content_type,
        size_bytes=file.size,
        sha256=digest,
        width=info.width,
        height=info.height,
        exif=info.exif,
        taken_at=info.taken_at,
    )
    photo.full_clean(exclude=["original", "owner", "tags"], validate_constraints=False)

    # On an outage this raises storage_unavailable within one deadline, before any row
    # is written. A PUT that timed out may still land: storage.save logs its key at
    # WARNING for an operator (and a later sweep of unreferenced objects). Deleting it
    # here would spend a second deadline on a storage that is not answering.
    photo.original.name = storage.save(original_key(info.extension), file)
    try:
        with transaction.atomic():
            hold_users(owner.pk)  # not while the account is being deleted (users/locks.py)
            photo.save()
            photo_set_tags(photo=photo)
            if publish:
                _publish(photo)
            if album is not None:
                album_add_photos(album=album, actor=owner, photo_ids=[photo.pk])
            # After the commit: a worker makes the set (inline without a broker, from
            # the upload that is still open and decoded).
            tasks.queue_thumbnails(photo.pk, source=file, decoded=info.decoded)
    except IntegrityError:
        storage.delete([photo.original.name])
        existing = Photo.objects.filter(owner=owner, sha256=digest).first()
        if existing is None:
            raise
        raise DuplicatePhoto(existing) from None
    except BaseException:
        storage.delete([photo.original.name])
        raise
    return photo


def photo_update(
    *, photo: Photo, actor: User, caption: str | None = None, alt_text: str | None = None
) -> Photo:
    _check_owner(photo, actor)
    with transaction.atomic():
        hold_users(actor.pk)
        # Locked: a delete that raced this edit makes it not_found, not a failed save.
        if Photo.objects.select_for_update().filter(pk=photo.pk).values_list("pk").first() is None:
            raise Photo.DoesNotExist("This photo no longer exists.")
        changed = model_update(photo, data={"caption": caption, "alt_text": alt_text})
        if "caption" in changed:
            photo_set_tags(photo=photo)
    return photo


def _publish(photo: Photo) -> None:
    photo.status = Photo.Status.PUBLISHED
    photo.published_at = timezone.now()
    photo.save(update_fields=["status", "published_at", "updated_at"])
    _count_published(photo, +1)


def photo_publish(*, photo: Photo, actor: User) -> Photo:
    _check_owner(photo, actor)
    with transaction.atomic():
        # First the owner's account, then the photo: the order an account's deletion
        # takes them in (users/locks.py), so the two never deadlock.
        hold_users(actor.pk)
        # The row lock makes a double publish count once.
        locked = Photo.objects.select_for_update().get(pk=photo.pk)
        if not locked.is_published:
            _publish(locked)
    return locked


def photo_unpublish(*, photo: Photo, actor: User) -> Photo:
    _check_owner(photo, actor)
    with transaction.atomic():
        hold_users(actor.pk)
        locked = Photo.objects.select_for_update().get(pk=photo.pk)
        if locked.is_published:
            locked.status = Photo.Status.DRAFT
            locked.published_at = None
            locked.save(update_fields=["status", "published_at", "updated_at"])
            _count_published(locked, -1)
    return locked


def photo_delete(*, photo: Photo, actor: User) -> int:
    """Delete the row; the original and every thumbnail leave storage after the commit.

    A task removes the objects and retries until storage answers (inline, without a
    broker: one storage call, one deadline, a failure logged with the keys); the row
    is gone either way. A thumbnail task still at work removes what it stores itself.
    """
    _check_owner(photo, actor)
    pk = photo.pk
    with transaction.atomic():
        hold_users(actor.pk)
        locked = Photo.objects.select_for_update().get(pk=pk)
        names = [locked.original.name, *(t["name"] for t in locked.thumbnails.values())]
        if locked.is_published:
            _count_published(locked, -1)
        locked.tags.clear()
        locked.delete()
        tasks.queue_delete(names)
    return pk
