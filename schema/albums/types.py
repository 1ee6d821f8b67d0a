from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import relay
from strawberry_django.fields.types import OperationInfo

from media_graph import models
from media_graph.querysets import album_cover_visible, album_photos_count, first_visible_entries
from schema.common import VisibleNode
from schema.engine.joins import joined
from schema.pagination import Connection, nested_connection

if TYPE_CHECKING:
    from schema.media.types import Photo
    from schema.users.types import User

AlbumVisibility = strawberry.enum(models.Album.Visibility, name="AlbumVisibility")


@strawberry_django.type(models.Album, name="Album")
class Album(VisibleNode, relay.Node):
    owner: Annotated["User", strawberry.lazy("schema.users.types")] = joined()
    title: str
    description: str
    visibility: AlbumVisibility
    created_at: datetime
    updated_at: datetime
    photos: Connection[Annotated["Photo", strawberry.lazy("schema.media.types")]] = (
        nested_connection(
            refine=lambda photos: photos.order_by("album_entries__position"),
            description="Album order; others see published photos only.",
        )
    )

    @strawberry_django.field(
        annotate={"visible_photos": lambda info: album_photos_count(info.context.viewer)},
        description="As the viewer sees it.",
    )
    def photos_count(self) -> int:
        return self.visible_photos

    @strawberry_django.field(
        select_related=["cover"],
        annotate={"cover_visible": lambda info: album_cover_visible(info.context.viewer)},
        prefetch_related=[
            lambda info: Prefetch(
                "entries",
                queryset=first_visible_entries(info.context.viewer),
                to_attr="first_visible",
            )
        ],
        description="The explicit cover, else the first photo the viewer may see.",
    )
    def cover(self) -> Annotated["Photo", strawberry.lazy("schema.media.types")] | None:
        if self.cover_id and self.cover_visible:
            return self.cover
        return self.first_visible[0].photo if self.first_visible else None


AlbumPayload = Annotated[Album | OperationInfo, strawberry.union("AlbumPayload")]
