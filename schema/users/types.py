from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.fields.types import OperationInfo

from media_graph.models import Notification
from media_graph.querysets import unread_notifications_count
from schema.core.common import VisibleNode
from schema.core.connections import Connection, nested_connection
from schema.core.context import Info, Scope
from schema.core.errors import NotFound
from users import models
from users.querysets import follows_viewer, viewer_is_following

if TYPE_CHECKING:
    from schema.albums.types import Album
    from schema.media.types import Photo


@strawberry_django.type(models.User, name="User")
class User(VisibleNode, relay.Node):
    username: str
    bio: str
    date_joined: datetime
    followers_count: int
    following_count: int
    photos_count: int = strawberry_django.field(description="Published photos.")

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
    followers: Connection[Annotated["User", strawberry.lazy("schema.users.types")]] = (
        nested_connection(
            refine=lambda users: users.order_by(
                "-following_edges__created_at", "-following_edges__id"
            ),
            description="Newest follower first.",
        )
    )
    following: Connection[Annotated["User", strawberry.lazy("schema.users.types")]] = (
        nested_connection(
            refine=lambda users: users.order_by(
                "-follower_edges__created_at", "-follower_edges__id"
            ),
            description="Most recently followed first.",
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


UserPayload = Annotated[User | OperationInfo, strawberry.union("UserPayload")]


def find_user(info: Info, username: str) -> models.User:
    """The account with this username (any case) that the viewer may see; else `not_found`
    on `username`, as the mutations that name a user by username answer."""
    found = User.get_queryset(models.User.objects.all(), info).named(username).first()
    if found is None:
        raise NotFound("No user with this username.", field="username")
    return found
