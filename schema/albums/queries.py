from collections.abc import Iterable

import strawberry
import strawberry_django

from media_graph import models
from schema.albums.types import Album
from schema.nodes import find_visible
from schema.pagination import Connection


@strawberry.type
class Query:
    @strawberry_django.field
    def album(self, info: strawberry.Info, id: strawberry.ID) -> Album | None:
        return find_visible(Album, models.Album, id, info)

    @strawberry_django.connection(Connection[Album], description="Those the viewer may see.")
    def albums(self, owner: str | None = None) -> Iterable[models.Album]:
        albums = models.Album.objects.all()
        if owner:
            albums = albums.filter(owner__username__iexact=owner.strip())
        return albums.newest_first()
