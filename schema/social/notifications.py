"""Notifications: the viewer's list, newest first, and marking them read.

Reading them needs what reading any owner-only field needs: a password login or an
access token with READ (`Context.viewer_or_graphql_error`). Marking them read changes
the viewer's social state, so an access token needs SOCIAL for it, as for likes and
follows (`Context.viewer_or_payload_error`, the one place scopes are checked).

`photo`, `comment` and `album` are read through their types' own visibility, so each is
null once the viewer may no longer see it (a shared album made private again, or left).
A notification by a deactivated account is hidden with it (NotificationQuerySet.visible_to).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from media_graph import models
from media_graph.services import notifications
from project.errors import field_error
from schema.core.common import VisibleNode, payload_mutation, refetch
from schema.core.connections import Connection
from schema.core.context import Info, Scope
from schema.core.nodes import parse_global_id
from schema.users.types import User, UserPayload

if TYPE_CHECKING:
    from schema.albums.types import Album
    from schema.media.types import Photo
    from schema.social.types import Comment

NotificationKind = strawberry.enum(models.Notification.Kind, name="NotificationKind")


@strawberry_django.type(models.Notification, name="Notification")
class Notification(VisibleNode, relay.Node):
    kind: NotificationKind
    actor: Annotated["User", strawberry.lazy("schema.users.types")] = strawberry_django.field(
        description="Who followed, liked, commented or shared."
    )
    photo: Annotated["Photo", strawberry.lazy("schema.media.types")] | None = (
        strawberry_django.field(
            description="LIKED, COMMENTED: null once the viewer may no longer see it."
        )
    )
    comment: Annotated["Comment", strawberry.lazy("schema.social.types")] | None = (
        strawberry_django.field(
            description="COMMENTED: null once deleted, or once the viewer may no longer see it."
        )
    )
    album: Annotated["Album", strawberry.lazy("schema.albums.types")] | None = (
        strawberry_django.field(
            description="ALBUM_SHARED: null once the viewer may no longer see it."
        )
    )
    read: bool
    created_at: datetime


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description=(
            f"At most {notifications.MAX_MARK_READ_IDS}; IDs of others' notifications are ignored."
        ),
    )
    all: bool | None = strawberry.field(
        default=False, description="Every unread notification of the viewer's; without `ids`."
    )


def _notification_pks(ids: list[str]) -> list[int]:
    notifications.check_mark_read_count(len(ids))  # before parsing thousands
    pks = [parse_global_id(value, "Notification") for value in ids]
    if None in pks:
        raise field_error("ids", "Not a notification ID.")
    return pks


@strawberry.type
class Query:
    @strawberry_django.connection(
        Connection[Notification],
        description="The viewer's, newest first. UNAUTHENTICATED error when anonymous.",
    )
    def notifications(
        self, info: Info, unread_only: bool | None = False
    ) -> Iterable[models.Notification]:
        info.context.viewer_or_graphql_error()
        rows = models.Notification.objects.newest_first()
        return rows.filter(read=False) if unread_only else rows


@strawberry.type
class Mutation:
    @payload_mutation(
        description=(
            "`ids` or `all: true`, not both. Answers the viewer (see unreadNotificationsCount)."
        )
    )
    def mark_notifications_read(self, info: Info, input: MarkNotificationsReadInput) -> UserPayload:
        viewer = info.context.viewer_or_payload_error(Scope.SOCIAL)
        if input.all and input.ids is not None:
            raise field_error("all", "Give `ids` or `all: true`, not both.")
        if not input.all and input.ids is None:
            raise field_error("ids", "Give `ids` or `all: true`.")
        pks = None if input.all else _notification_pks(input.ids)
        notifications.notifications_mark_read(user=viewer, ids=pks)
        # Its unread count reads (SOCIAL's own state); nothing else owner-only does.
        return refetch(User, viewer, info, as_owner=True)
