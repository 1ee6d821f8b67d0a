from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import Exists
from strawberry import relay
from strawberry_django.fields.types import OperationInfo

from media_graph.models import Notification
from media_graph.querysets import (
    owner_shares_with,
    unread_notifications_count,
    viewer_sees_shared,
)
from schema.core.common import VisibleNode
from schema.core.connections import Connection, nested_connection
from schema.core.context import Info, Scope
from schema.core.errors import NotFound
from schema.engine.optimizer import optimized
from users import models
from users.querysets import (
    follows_viewer,
    viewer_follow_requested,
    viewer_has_blocked,
    viewer_has_muted,
    viewer_is_following,
)

if TYPE_CHECKING:
    from schema.albums.types import Album
    from schema.events.types import Event
    from schema.media.types import Photo


def _shares_with_viewer(user: models.User, info: Info, rows):
    """`user`'s followers or following as the viewer may list them: a private account's
    are for those it shares with (media_graph/querysets.py owner_shares_with). In lists,
    the optimizer's annotation on each account says; under a single account, an EXISTS
    in the page's own statement."""
    viewer = info.context.viewer
    if user.pk == viewer.pk:
        return rows
    shared = getattr(user, "viewer_sees_shared", None)
    if shared is None:
        sharing = models.User.objects.filter(owner_shares_with(viewer, ""), pk=user.pk)
        return rows.filter(Exists(sharing))
    return rows if shared else rows.none()


_SHARES_HINT = {"viewer_sees_shared": lambda info: viewer_sees_shared(info.context.viewer)}


@strawberry_django.type(models.User, name="User")
class User(VisibleNode, relay.Node):
    username: str
    bio: str
    date_joined: datetime
    followers_count: int
    following_count: int
    photos_count: int = strawberry_django.field(description="Published photos.")
    is_private: bool = strawberry_django.field(
        description=(
            "Only approved followers, people it shares albums with, and the owner see its "
            "photos, albums, followers and following; its profile fields stay visible."
        )
    )

    @strawberry_django.field(only=["display_name", "username"])
    def display_name(self) -> str:
        return self.display_name or self.username

    @strawberry_django.field(
        only=["email"],
        description="The viewer's own address (and in `register`'s answer); null for others.",
    )
    def email(self, info: Info) -> str | None:
        return self.email if info.context.reads_as_owner(self, self.pk) else None

    @strawberry_django.field(
        annotate={
            "unread_for_viewer": lambda info: unread_notifications_count(info.context.viewer)
        },
        description="The viewer's own only; null for everyone else.",
    )
    def unread_notifications_count(self, info: Info) -> int | None:
        # SOCIAL marks them read: markNotificationsRead answers how many are left.
        if not info.context.reads_as_owner(self, self.pk, Scope.SOCIAL):
            return None
        count = (
            getattr(self, "unread_for_viewer", None) if self.pk == info.context.viewer.pk else None
        )
        if count is None:  # `me` answers with the request's own User, not annotated
            count = Notification.objects.visible_to(self).filter(read=False).count()
        return count

    @strawberry_django.field(
        only=["email_notifications"],
        description="Email for new followers and comments. The viewer's own only; null for others.",
    )
    def email_notifications(self, info: Info) -> bool | None:
        return self.email_notifications if info.context.reads_as_owner(self, self.pk) else None

    photos: Connection[Annotated["Photo", strawberry.lazy("schema.media.types")]] = (
        nested_connection(
            refine=lambda photos: photos.newest_first(),
            description="Newest first; the owner also sees drafts.",
        )
    )
    albums: Connection[Annotated["Album", strawberry.lazy("schema.albums.types")]] = (
        nested_connection(
            refine=lambda albums: albums.newest_first(),
            description="Those the viewer may see, newest first.",
        )
    )
    events: Connection[Annotated["Event", strawberry.lazy("schema.events.types")]] = (
        nested_connection(
            refine=lambda events: events.newest_first(),
            description="Those the viewer may see, newest (latest start) first.",
        )
    )
    followers: Connection[Annotated["User", strawberry.lazy("schema.users.types")]] = (
        nested_connection(
            refine=lambda users: users.order_by(
                "-following_edges__created_at", "-following_edges__id"
            ),
            gate=_shares_with_viewer,
            annotate=_SHARES_HINT,
            description="Newest follower first; [] for a private account that does not share "
            "with the viewer.",
        )
    )
    following: Connection[Annotated["User", strawberry.lazy("schema.users.types")]] = (
        nested_connection(
            refine=lambda users: users.order_by(
                "-follower_edges__created_at", "-follower_edges__id"
            ),
            gate=_shares_with_viewer,
            annotate=_SHARES_HINT,
            description="Most recently followed first; [] for a private account that does not "
            "share with the viewer.",
        )
    )

    @strawberry_django.field(
        annotate={"viewer_follows": lambda info: viewer_is_following(info.context.viewer)},
        description="False for anonymous viewers.",
    )
    def viewer_is_following(self, info: Info) -> bool:
        # Nobody follows themselves: `me` answers without the annotation (and a query).
        return self.pk != info.context.viewer.pk and self.viewer_follows

    @strawberry_django.field(
        annotate={"follows_the_viewer": lambda info: follows_viewer(info.context.viewer)}
    )
    def follows_viewer(self, info: Info) -> bool:
        return self.pk != info.context.viewer.pk and self.follows_the_viewer

    @strawberry_django.field(
        annotate={"viewer_blocked": lambda info: viewer_has_blocked(info.context.viewer)},
        description="False for anonymous viewers (true only in blockUser's answer: a "
        "blocked account is nowhere else).",
    )
    def viewer_has_blocked(self, info: Info) -> bool:
        return self.pk != info.context.viewer.pk and self.viewer_blocked

    @strawberry_django.field(
        annotate={"viewer_muted": lambda info: viewer_has_muted(info.context.viewer)},
        description="False for anonymous viewers.",
    )
    def viewer_has_muted(self, info: Info) -> bool:
        return self.pk != info.context.viewer.pk and self.viewer_muted

    @strawberry_django.field(
        annotate={"viewer_requested": lambda info: viewer_follow_requested(info.context.viewer)},
        description="The viewer asked to follow this private account and is not yet approved.",
    )
    def viewer_follow_requested(self, info: Info) -> bool:
        return self.pk != info.context.viewer.pk and self.viewer_requested

    @strawberry_django.field(
        description="The viewer's own only: who asks to follow them, oldest first; null for "
        "everyone else."
    )
    def follow_requests(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated["User", strawberry.lazy("schema.users.types")]] | None:
        if not info.context.reads_as_owner(self, self.pk):
            return None
        asking = models.User.objects.filter(follow_requests_sent__target_id=self.pk).order_by(
            "follow_requests_sent__created_at", "follow_requests_sent__id"
        )
        rows = User.get_queryset(asking, info)
        return Connection.resolve_connection(
            optimized(rows, info), info=info, first=first, after=after
        )


UserPayload = Annotated[User | OperationInfo, strawberry.union("UserPayload")]


def find_user(info: Info, username: str, *, to_block: bool = False) -> models.User:
    """The account with this username (any case) that the viewer may see; else `not_found`
    on `username`, as the mutations that name a user by username answer. `to_block`: one
    the viewer blocked is found too (to unblock; UserQuerySet.blockable_by)."""
    if to_block:
        rows = models.User.objects.blockable_by(info.context.actor)
    else:
        rows = User.get_queryset(models.User.objects.all(), info)
    found = rows.named(username).first()
    if found is None:
        raise NotFound("No user with this username.", field="username")
    return found
