"""Shared albums: the owner adds members as EDITOR or VIEWER, changes their role and
removes them; a member may leave. Only the owner manages members.

An album holds at most MAX_ALBUM_MEMBERS members besides its owner; each new member is
rated per owner (project/rates.py ALBUM_MEMBERS), after the cap: past the cap the answer
is `invalid` on username whatever the rate. A role change is neither."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from media_graph.models import Album, AlbumMember
from media_graph.models.albums import MAX_ALBUM_MEMBERS
from media_graph.services import notifications
from project import rates
from project.errors import field_error
from users.locks import hold_users
from users.models import User


def album_member_add(*, album: Album, actor: User, user: User, role: str) -> AlbumMember:
    """Share the album with `user` in `role`; for a member already, change the role."""
    if album.owner_id != actor.pk:
        raise PermissionDenied("Only the album's owner may share it.")
    if role not in AlbumMember.Role.values:
        raise field_error("role", "A member is an EDITOR or a VIEWER; the owner stays the owner.")
    if user.pk == album.owner_id:
        raise field_error("username", "You own this album already.")
    with transaction.atomic():
        # Neither account is being deleted, nor is there a block between them (users/locks.py).
        hold_users(actor.pk, user.pk, unblocked=True)
        # The album's row, so that two adds at once cannot both pass the cap.
        Album.objects.select_for_update().get(pk=album.pk)  # deleted meanwhile: not_found
        member = AlbumMember.objects.filter(album=album, user=user).first()
        if member is not None:  # a changed role: no new member, no news
            member.role = role
            member.save(update_fields=["role"])
            return member
        if AlbumMember.objects.filter(album=album).count() >= MAX_ALBUM_MEMBERS:
            raise field_error(
                "username", f"An album is shared with at most {MAX_ALBUM_MEMBERS} people."
            )
        with rates.spend(rates.ALBUM_MEMBERS, actor.pk):
            member = AlbumMember.objects.create(album=album, user=user, role=role)
            notifications.notify_album_shared(album=album, actor=actor, recipient=user)
    return member


def album_member_remove(*, album: Album, actor: User, user: User) -> bool:
    """The owner removes a member, or a member leaves; answers whether anyone left."""
    if actor.pk != album.owner_id and actor.pk != user.pk:
        raise PermissionDenied("Only the album's owner may remove others.")
    if user.pk == album.owner_id:
        raise field_error("username", "The owner cannot leave the album; delete it instead.")
    with transaction.atomic():
        hold_users(actor.pk, user.pk)
        deleted, _ = AlbumMember.objects.filter(album=album, user=user).delete()
        if deleted:
            notifications.withdraw_album_shared(album=album, recipient=user)
    return bool(deleted)
