"""Shared albums: the owner adds members as EDITOR or VIEWER, changes their role and
removes them; a member may leave. Only the owner manages members."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from media_graph.models import Album, AlbumMember
from media_graph.services import notifications
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
        hold_users(actor.pk, user.pk)  # neither account is being deleted (users/locks.py)
        # update_or_create under the unique constraint: two adds at once make one row.
        member, created = AlbumMember.objects.update_or_create(
            album=album, user=user, defaults={"role": role}
        )
        if created:  # a new share is news; a changed role is not
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
