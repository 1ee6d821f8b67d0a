"""Related files: groups of the owner's photos of one moment (RAW + JPEG, a Live Photo's
still and clip, an edit and its source). A photo is in at most one group; a group left
with one photo is dissolved; deleting a photo leaves the rest grouped.

Pairs are also grouped at upload when the owner asks (`source_name` given): the same
file name without its extension (IMG_0001.HEIC and IMG_0001.MOV) and takenAt within
PAIR_WINDOW of each other.
"""

import hashlib
from datetime import timedelta
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count

from media_graph.models import Photo, PhotoGroup
from media_graph.models.photos import SOURCE_NAME_MAX_LENGTH
from project.codes import PayloadCode
from users.locks import hold_users
from users.models import User

MIN_GROUP, MAX_GROUP = 2, 10
PAIR_WINDOW = timedelta(seconds=1)


def _invalid(message: str) -> ValidationError:
    return ValidationError({"photos": ValidationError(message, code=PayloadCode.INVALID)})


def _dissolve_singles(group_ids) -> None:
    """Groups among these left with fewer than two photos: their photo leaves, the row goes."""
    lonely = (
        PhotoGroup.objects.filter(pk__in=[pk for pk in group_ids if pk is not None])
        .annotate(n=Count("photos"))
        .filter(n__lt=MIN_GROUP)
        .values_list("pk", flat=True)
    )
    lonely = list(lonely)
    if lonely:
        Photo.objects.filter(group_id__in=lonely).update(group=None)
        PhotoGroup.objects.filter(pk__in=lonely).delete()


def photos_relate(*, owner: User, photo_ids: list[int]) -> Photo:
    """One group of 2 to 10 of the owner's photos (each once); a photo already in another
    group moves. Answers the first photo."""
    if len(set(photo_ids)) != len(photo_ids):
        raise _invalid("Each photo once.")
    if not MIN_GROUP <= len(photo_ids) <= MAX_GROUP:
        raise _invalid(f"A group holds {MIN_GROUP} to {MAX_GROUP} photos.")
    with transaction.atomic():
        hold_users(owner.pk)
        # In pk order: two regroupings of the same photos wait for each other, no deadlock.
        rows = list(
            Photo.objects.select_for_update().filter(owner=owner, pk__in=photo_ids).order_by("pk")
        )
        if len(rows) != len(photo_ids):
            raise ValidationError(
                {"photos": ValidationError("Only your own photos.", code=PayloadCode.NOT_FOUND)}
            )
        previous = {row.group_id for row in rows}
        group = PhotoGroup.objects.create(owner=owner)
        Photo.objects.filter(pk__in=photo_ids).update(group=group)
        _dissolve_singles(previous)
    return Photo.objects.get(pk=photo_ids[0])


def photo_unrelate(*, photo: Photo, actor: User) -> Photo:
    """The photo leaves its group (if any); a group left with one photo is dissolved."""
    if photo.owner_id != actor.pk:
        raise PermissionDenied("Only the photo's owner may change its related files.")
    with transaction.atomic():
        hold_users(actor.pk)
        locked = Photo.objects.select_for_update().get(pk=photo.pk)
        if locked.group_id is not None:
            Photo.objects.filter(pk=photo.pk).update(group=None)
            _dissolve_singles([locked.group_id])
    photo.refresh_from_db(fields=["group"])
    return photo


def photo_left_group(group_id: int | None) -> None:
    """After a photo of this group was deleted (inside that transaction)."""
    if group_id is not None:
        _dissolve_singles([group_id])


def source_name_of(filename: str) -> str:
    """The file name a client sent, without folders or extension, bounded: what pairs
    uploads. Never a storage key."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    return PurePosixPath(name).stem[:SOURCE_NAME_MAX_LENGTH]


def _pair_lock(owner_id: int, name: str) -> None:
    """Two uploads of one pair, made at once, are paired by whichever commits last: each
    looks for its partner while holding this lock, so the second looks after the first
    committed. SQLite writes one transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"pair:{owner_id}:{name}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


def photo_pair(photo: Photo) -> None:
    """Inside the transaction that wrote `photo` (with its source_name): group it with the
    owner's other upload of the same name taken within PAIR_WINDOW, if there is one."""
    if not photo.source_name or photo.taken_at is None:
        return
    _pair_lock(photo.owner_id, photo.source_name)
    partners = list(
        Photo.objects.select_for_update()
        .filter(
            owner_id=photo.owner_id,
            source_name=photo.source_name,
            taken_at__gte=photo.taken_at - PAIR_WINDOW,
            taken_at__lte=photo.taken_at + PAIR_WINDOW,
        )
        .exclude(pk=photo.pk)
        .order_by("pk")[: MAX_GROUP - 1]
    )
    if not partners:
        return
    group_id = next((p.group_id for p in partners if p.group_id is not None), None)
    if group_id is None:
        group_id = PhotoGroup.objects.create(owner_id=photo.owner_id).pk
    ids = [photo.pk, *(p.pk for p in partners if p.group_id is None)]
    Photo.objects.filter(pk__in=ids).update(group_id=group_id)
    photo.group_id = group_id
