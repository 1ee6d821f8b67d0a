from collections.abc import Iterable

import strawberry
import strawberry_django

from media_graph import models
from schema.albums.types import Album
from schema.core.connections import Connection
from schema.core.context import Info
from schema.core.nodes import rows_with_id
from users.models import User


@strawberry.type
class Query:
    @strawberry_django.field
    def album(self, info: Info, id: strawberry.ID) -> Album | None:
        return rows_with_id(models.Album, id, "Album")

    @strawberry_django.connection(
        Connection[Album], description="Those the viewer may see, newest first."
    )
    def albums(self, owner: str | None = None) -> Iterable[models.Album]:
        albums = models.Album.objects.all()
        if owner:
            albums = albums.filter(owner__in=User.objects.named(owner))
        return albums.newest_first()
