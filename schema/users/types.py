from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from schema.base import PK
from schema.context import viewer_of
from schema.pagination import Connection, nested_connection
from users import models
from users.querysets import follows_viewer, viewer_is_following

if TYPE_CHECKING:
    from schema.albums.types import Album
    from schema.media.types import Photo


@strawberry_django.type(models.User, name="User")
class User(relay.Node):
    _id_attr = PK  # see schema.base.PK
    username: str
    bio: str
    date_joined: datetime
    followers_count: int
    following_count: int
    photos_count: int = strawberry_django.field(description="Published photos.")

    @classmethod
    def get_queryset(cls, queryset, info: strawberry.Info, **kwargs):
        return queryset.visible_to(viewer_of(info))

    @strawberry_django.field(only=["display_name", "username"])
    def display_name(self) -> str:
        return self.display_name or self.username

    @strawberry_django.field(
        only=["email"], description="The viewer's own address; null for everyone else."
    )
    def email(self, info: strawberry.Info) -> str | None:
        return self.email if viewer_of(info).pk == self.pk else None

    photos: Connection[Annotated["Photo", strawberry.lazy("schema.media.types")]] = (
        nested_connection(
            refine=lambda photos: photos.newest_first(),
            description="Newest first; the owner also sees drafts.",
        )
    )
    albums: Connection[Annotated["Album", strawberry.lazy("schema.albums.types")]] = (
        nested_connection(
            refine=lambda albums: albums.newest_first(), description="Those the viewer may see."
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
        annotate={"viewer_follows": lambda info: viewer_is_following(viewer_of(info))},
        description="False for anonymous viewers.",
    )
    def viewer_is_following(self, info: strawberry.Info) -> bool:
        value = getattr(self, "viewer_follows", None)
        if value is None:  # not fetched through the optimizer
            viewer = viewer_of(info)
            value = viewer.is_authenticated and self.follower_edges.filter(follower=viewer).exists()
        return value

    @strawberry_django.field(
        annotate={"follows_the_viewer": lambda info: follows_viewer(viewer_of(info))}
    )
    def follows_viewer(self, info: strawberry.Info) -> bool:
        value = getattr(self, "follows_the_viewer", None)
        if value is None:
            viewer = viewer_of(info)
            value = (
                viewer.is_authenticated and self.following_edges.filter(followee=viewer).exists()
            )
        return value
