from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from schema.context import viewer_of
from schema.pagination import Connection, nested_connection
from users import models

if TYPE_CHECKING:
    from schema.media.types import Photo


@strawberry_django.type(models.User, name="User")
class User(relay.Node):
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
