"""Photo writes: upload, edit, publish, unpublish, delete (the media work is queued)."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from live import outbox
from media_graph import storage
from media_graph.imaging.video import VideoInfo
from media_graph.library import places, search
from media_graph.models import Album, Photo, original_key
from media_graph.services.albums import album_add_photos
from media_graph.services.processing import queue_delete, queue_thumbnails
from media_graph.services.related import photo_left_group, photo_pair, source_name_of
from media_graph.services.tags import photo_set_tags
from media_graph.services.upload_checks import CheckedFile, upload_check_file
from media_graph.tags import parse_tags
from project.celery import broker_configured
from project.errors import DuplicatePhoto, field_error
from project.services import model_update
from users.locks import hold_users
from users.models import User

logger = logging.getLogger(__name__)

# How far ahead a photo may be scheduled.
SCHEDULE_HORIZON = timedelta(days=365)


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
    group_pairs: bool = False,
) -> Photo:
    """A file sent through the app: checked in the contract's order, then `photo_add`
    stores it (one PUT) and writes the row."""
    photo_check_album(album=album, owner=owner)
    # An upload cut short (over the limit while it streamed) says how much came. With a
    # worker, the request checks the file's structure (a cut file is invalid_image now)
    # and the worker decodes the pixels, as after a finalize: damaged data inside an
    # intact file makes the photo FAILED there. Inline, the request decodes it whole,
    # and the thumbnails are made from that decode.
    checked = upload_check_file(
        owner=owner, file=file, size=file.size, decode=not broker_configured()
    )
    # On an outage the save raises storage_unavailable within one deadline, before any
    # row is written. A PUT that timed out may still land: storage.save logs its key at
    # WARNING for an operator (and a later sweep of unreferenced objects). Deleting it
    # here would spend a second deadline on a storage that is not answering.
    return photo_add(
        owner=owner,
        checked=checked,
        store=lambda name: storage.save(name, file),
        source=file,
        caption=caption,
        alt_text=alt_text,
        publish=publish,
        album=album,
        source_name=source_name_of(file.name) if group_pairs else "",
    )


def photo_add(
    *,
    owner: User,
    checked: CheckedFile,
    store: Callable[[str], object],
    source,
    caption: str,
    alt_text: str,
    publish: bool,
    album: Album | None,
    source_name: str = "",
) -> Photo:
    """Check, store, write: the one way a photo comes to be, whichever path its bytes took.

    `checked` is the file as the upload checks saw it; `store(name)` puts its bytes under
    the server-chosen original key (a PUT of the stream, or a staged object promoted).
    The row is validated (caption, alt text, album) before anything is stored; if it
    cannot be written then (a duplicate that raced this one, anything else), the stored
    original is deleted again: no orphans. `source_name` (the client's file name, given
    when it asked for pairs) groups it with its pair (services/related.py). Thumbnails
    follow the commit, made from `source` while it is still open (inline mode).
    """
    photo_check_album(album=album, owner=owner)
    photo = _new(owner=owner, checked=checked, caption=caption, alt_text=alt_text)
    photo.source_name = source_name
    original = original_key(checked.info.extension)
    store(original)
    photo.original.name = original
    try:
        with transaction.atomic():
            # Not while the account is being deleted (users/locks.py).
            hold_users(photo.owner_id)
            photo.save()
            photo_set_tags(photo=photo)
            photo_pair(photo)
            if publish:
                _publish(photo)
            if album is not None:
                album_add_photos(album=album, actor=photo.owner, photo_ids=[photo.pk])
            # After the commit: a worker makes the set (inline without a broker, from
            # the file that is still open and decoded).
            queue_thumbnails(photo.pk, source=source, decoded=checked.info.decoded)
    except IntegrityError:
        storage.delete([original])
        existing = Photo.objects.filter(owner=photo.owner, sha256=photo.sha256).first()
        if existing is None:
            raise
        raise DuplicatePhoto(existing) from None
    except BaseException:
        storage.delete([original])
        raise
    return photo


def photo_check_album(*, album: Album | None, owner: User) -> None:
    """Before anything else: a path that must take its upload first (finalize) asks here."""
    if album is not None and album.owner_id != owner.pk:
        raise PermissionDenied("Photos go only into your own albums.")


def _new(*, owner: User, checked: CheckedFile, caption: str, alt_text: str) -> Photo:
    """The row for a checked file, validated (caption, alt text) before anything is stored."""
    info = checked.info
    is_video = isinstance(info, VideoInfo)
    latitude, longitude = places.location_of(info.exif)
    photo = Photo(
        owner=owner,
        kind=Photo.Kind.VIDEO if is_video else Photo.Kind.PHOTO,
        duration_seconds=info.duration_seconds if is_video else None,
        caption=caption,
        alt_text=alt_text,
        content_type=info.content_type,
        size_bytes=checked.size,
        sha256=checked.sha256,
        width=info.width,
        height=info.height,
        exif=info.exif,
        taken_at=info.taken_at,
        latitude=latitude,
        longitude=longitude,
        search_document=_search_document(caption, alt_text),
    )
    photo.full_clean(exclude=["original", "owner", "tags"], validate_constraints=False)
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
        document = _search_document(
            photo.caption if caption is None else caption,
            photo.alt_text if alt_text is None else alt_text,
        )
        changed = model_update(
            photo, data={"caption": caption, "alt_text": alt_text, "search_document": document}
        )
        if "caption" in changed:
            photo_set_tags(photo=photo)
        if changed:
            outbox.record_photo_changed(photo.pk)
    return photo


def _search_document(caption: str, alt_text: str) -> str:
    # Tags are the caption's own (services/tags.py), so the caption says them all.
    return search.document(caption, alt_text, parse_tags(caption))


def _publish(photo: Photo) -> None:
    """Make a locked, uncounted photo PUBLISHED and count it. A due SCHEDULED photo keeps
    its time: clients have seen it published since then."""
    if not (photo.status == Photo.Status.SCHEDULED and photo.is_published):
        photo.published_at = timezone.now()
    photo.status = Photo.Status.PUBLISHED
    photo.save(update_fields=["status", "published_at", "updated_at"])
    _count_published(photo, +1)
    outbox.record_photo_changed(photo.pk)


def photo_publish(*, photo: Photo, actor: User) -> Photo:
    """Publish now (a SCHEDULED photo too: its schedule is dropped)."""
    _check_owner(photo, actor)
    with transaction.atomic():
        # First the owner's account, then the photo: the order an account's deletion
        # takes them in (users/locks.py), so the two never deadlock.
        hold_users(actor.pk)
        # The row lock makes a double publish count once.
        locked = Photo.objects.select_for_update().get(pk=photo.pk)
        if not locked.is_counted:
            _publish(locked)
    return locked


def photo_unpublish(*, photo: Photo, actor: User) -> Photo:
    """Back to DRAFT; a SCHEDULED photo's schedule is cancelled."""
    _check_owner(photo, actor)
    with transaction.atomic():
        hold_users(actor.pk)
        locked = Photo.objects.select_for_update().get(pk=photo.pk)
        if locked.status != Photo.Status.DRAFT:
            if locked.is_counted:
                _count_published(locked, -1)
            locked.status = Photo.Status.DRAFT
            locked.published_at = None
            locked.save(update_fields=["status", "published_at", "updated_at"])
            outbox.record_photo_changed(locked.pk)
    return locked


def photo_schedule(*, photo: Photo, actor: User, publish_at) -> Photo:
    """Publish a draft (or reschedule a SCHEDULED photo) at `publish_at`, in the future."""
    _check_owner(photo, actor)
    now = timezone.now()
    if not now < publish_at <= now + SCHEDULE_HORIZON:
        raise field_error(
            "publish_at",
            f"Give a moment in the future, at most {SCHEDULE_HORIZON.days} days ahead.",
        )
    with transaction.atomic():
        hold_users(actor.pk)
        locked = Photo.objects.select_for_update().get(pk=photo.pk)
        if locked.is_published:
            raise field_error("status", "The photo is published already.")
        locked.status = Photo.Status.SCHEDULED
        locked.published_at = publish_at
        locked.save(update_fields=["status", "published_at", "updated_at"])
        outbox.record_photo_changed(locked.pk)
    return locked


def photos_publish_due() -> int:
    """Count every SCHEDULED photo whose time has come as PUBLISHED; answers how many.

    Run before an operation reads the counters (schema/server/scheduled.py), every 30 s by
    Celery beat (project/celery.py), and by `recount` before it counts.
    Each photo in its own transaction, under its row lock, so an unpublish or delete at
    the same moment wins or loses whole.
    """
    published = 0
    for pk, owner_id in Photo.objects.due().values_list("pk", "owner_id"):
        with transaction.atomic():
            try:
                # The owner before the photo, in the order an account's deletion locks them.
                hold_users(owner_id)
            except User.DoesNotExist:
                continue  # deleted meanwhile, with the photo
            locked = Photo.objects.select_for_update().filter(pk=pk).due().first()
            if locked is not None:
                _publish(locked)
                published += 1
    return published


def photo_delete(*, photo: Photo, actor: User) -> int:
    """Delete the row; the original, every thumbnail and variant leave storage after commit.

    A task removes the objects and retries until storage answers (inline, without a
    broker: one storage call, one deadline, a failure logged with the keys); the row
    is gone either way. A thumbnail task still at work removes what it stores itself.
    """
    _check_owner(photo, actor)
    pk = photo.pk
    with transaction.atomic():
        hold_users(actor.pk)
        locked = Photo.objects.select_for_update().get(pk=pk)
        names = locked.stored_names()
        if locked.is_counted:
            _count_published(locked, -1)
        locked.tags.clear()
        locked.delete()
        photo_left_group(locked.group_id)
        # Its subscribers read it again, find it gone and complete.
        outbox.record_photo_changed(pk)
        queue_delete(names)
    return pk
