"""Blocks and mutes.

A block hides the two people from each other, both ways (the visibility layer:
users/querysets.py `unblocked`, applied by every visible_to), and ends what was between
them: follows both ways (counters move), pending follow requests both ways, and album
memberships in each other's albums, each with its unread news. Unblocking restores
visibility only: nothing that ended comes back. Blocking or muting is found through
`UserQuerySet.blockable_by` by the caller, so someone who blocked the viewer is
`not_found` to them here too.

A mute only takes the muted person's photos out of the muter's feed (PhotoQuerySet.feed_for)
and their notifications out of the muter's list (and stops new ones); they cannot tell.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q

from media_graph.models import AlbumMember
from media_graph.services import follow_requests, follows, notifications
from project.errors import field_error
from users.locks import hold_users, lock_users
from users.models import Block, Mute, User


def _not_self(actor: User, other: User, doing: str) -> None:
    if actor.pk == other.pk:
        raise field_error("username", f"You cannot {doing} yourself.")


def user_block(*, blocker: User, blocked: User) -> bool:
    """`blocker` blocks `blocked`; answers whether anything changed (idempotent)."""
    _not_self(blocker, blocked, "block")
    try:
        with transaction.atomic():
            # FOR UPDATE: a write between them either finished (and is ended below) or
            # waits, then finds the block (users/locks.py hold_users, `unblocked`).
            lock_users(blocker.pk, blocked.pk)
            # The unique constraint settles concurrent blocks: the second changes nothing.
            Block.objects.create(blocker=blocker, blocked=blocked)
            for one, other in ((blocker, blocked), (blocked, blocker)):
                follows.end_follow(follower=one, followee=other)
                follow_requests.end_request(requester=one, target=other)
            _end_memberships(blocker, blocked)
    except IntegrityError:
        return False
    return True


def _end_memberships(one: User, other: User) -> None:
    between = AlbumMember.objects.filter(
        Q(album__owner=one, user=other) | Q(album__owner=other, user=one)
    ).select_related("album", "user")
    for member in between:
        member.delete()
        notifications.withdraw_album_shared(album=member.album, recipient=member.user)


def user_unblock(*, blocker: User, blocked: User) -> bool:
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


def user_mute(*, muter: User, muted: User) -> bool:
    """`muter` mutes `muted`; answers whether anything changed (idempotent)."""
    _not_self(muter, muted, "mute")
    try:
        with transaction.atomic():
            hold_users(muter.pk, muted.pk)
            Mute.objects.create(muter=muter, muted=muted)
    except IntegrityError:
        return False
    return True


def user_unmute(*, muter: User, muted: User) -> bool:
    deleted, _ = Mute.objects.filter(muter=muter, muted=muted).delete()
    return bool(deleted)
