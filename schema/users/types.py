from datetime import datetime

import strawberry
import strawberry_django
from strawberry import relay

from schema.context import viewer_of
from users import models


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
