"""Albums: create, edit, delete (the photos stay), add and remove photos in order."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from media_graph.models import Album, AlbumMember, AlbumPhoto, Photo
from project.codes import PayloadCode
from project.services import model_update
from users.locks import hold_users
from users.models import User


def _check_owner(album: Album, actor: User) -> None:
    if album.owner_id != actor.pk:
        raise PermissionDenied("Only the album's owner may change it.")


def _check_editor(album: Album, actor: User) -> None:
    """The owner, or a member the owner made an EDITOR."""
    if album.owner_id == actor.pk:
        return
    editor = AlbumMember.objects.filter(album=album, user=actor, role=AlbumMember.Role.EDITOR)
    if not editor.exists():
        raise PermissionDenied("Only the album's owner and its editors may change its photos.")


def _own_photos(owner: User, photo_ids: Iterable[int]) -> list[Photo]:
    """The owner's photos with these ids, in the order given; anything else is not_found."""
    ids = list(dict.fromkeys(photo_ids))
    found = {p.pk: p for p in Photo.objects.filter(owner=owner, pk__in=ids)}
    if len(found) != len(ids):
        raise ValidationError(
            {
                "photos": ValidationError(
                    "Only your own photos can be put in an album.", code=PayloadCode.NOT_FOUND
                )
            }
        )
    return [found[pk] for pk in ids]


def album_add_photos(*, album: Album, actor: User, photo_ids: Iterable[int]) -> Album:
    """Append photos in the order given (the actor's own: the owner's or an editor's); one
    already there stays where it is."""
    _check_editor(album, actor)
    photo_ids = list(photo_ids)
    if album.owner_id != actor.pk:
        others = Photo.objects.filter(pk__in=photo_ids).exclude(owner=actor)
        if others.exists():
            raise PermissionDenied("Editors add only their own photos.")
    photos = _own_photos(actor, photo_ids)
    with transaction.atomic():
        # The accounts first (an editor's and the album owner's), as a deletion locks its
        # account before its albums: no deadlock, and no entry in an album going away.
        hold_users(actor.pk, album.owner_id, unblocked=True)
        # Serialises positions; an album deleted meanwhile is not_found, not an orphan entry.
        Album.objects.select_for_update().get(pk=album.pk)
        present = set(album.entries.values_list("photo_id", flat=True))
        last = album.entries.aggregate(last=Max("position"))["last"] or 0
        new = [p for p in photos if p.pk not in present]
        AlbumPhoto.objects.bulk_create(
            AlbumPhoto(album=album, photo=p, position=last + i) for i, p in enumerate(new, 1)
        )
        if new:
            album.save(update_fields=["updated_at"])
    return album


def album_remove_photos(*, album: Album, actor: User, photo_ids: Iterable[int]) -> Album:
    """Take photos out (they stay photos): the owner any, an editor their own only."""
    _check_editor(album, actor)
    ids = list(photo_ids)
    if (
        album.owner_id != actor.pk
        and Photo.objects.filter(pk__in=ids).exclude(owner=actor).exists()
    ):
        raise PermissionDenied("Editors take out only their own photos.")
    with transaction.atomic():
        hold_users(actor.pk, album.owner_id)
        Album.objects.select_for_update().get(pk=album.pk)  # deleted meanwhile: not_found
        album.entries.filter(photo_id__in=ids).delete()
        if album.cover_id in ids:
            album.cover = None
        album.save(update_fields=["cover", "updated_at"])
    return album


def album_create(
    *,
    owner: User,
    title: str,
    description: str = "",
    visibility: str = Album.Visibility.PRIVATE,
    photo_ids: Iterable[int] = (),
) -> Album:
    album = Album(owner=owner, title=title.strip(), description=description, visibility=visibility)
    album.full_clean(exclude=["owner", "cover"])
    photo_ids = list(photo_ids)
    if photo_ids:
        _own_photos(owner, photo_ids)
    with transaction.atomic():
        hold_users(owner.pk)
        album.save()
        if photo_ids:
            album_add_photos(album=album, actor=owner, photo_ids=photo_ids)
    return album


def album_update(
    *,
    album: Album,
    actor: User,
    title: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
    cover: Photo | None = None,
) -> Album:
    _check_owner(album, actor)
    if cover is not None and not album.entries.filter(photo=cover).exists():
        raise ValidationError(
            {"cover": ValidationError("The cover must be in the album.", code=PayloadCode.INVALID)}
        )
    with transaction.atomic():
        hold_users(actor.pk)
        Album.objects.select_for_update().get(pk=album.pk)  # deleted meanwhile: not_found
        model_update(
            album,
            data={
                "title": None if title is None else title.strip(),
                "description": description,
                "visibility": visibility,
                "cover": cover,
            },
        )
    return album


def album_delete(*, album: Album, actor: User) -> int:
    _check_owner(album, actor)
    pk = album.pk
    album.delete()  # its entries go with it; the photos stay
    return pk
