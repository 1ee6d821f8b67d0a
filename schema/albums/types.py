from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import relay

from media_graph import models
from media_graph.querysets import album_cover_visible, album_photos_count, first_visible_entries
from schema.base import PK
from schema.context import viewer_of
from schema.pagination import Connection, nested_connection

if TYPE_CHECKING:
    from schema.media.types import Photo
    from schema.users.types import User

AlbumVisibility = strawberry.enum(models.Album.Visibility, name="AlbumVisibility")


@strawberry_django.type(models.Album, name="Album")
class Album(relay.Node):
    _id_attr = PK  # see schema.base.PK
    owner: Annotated["User", strawberry.lazy("schema.users.types")]
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

    @classmethod
    def get_queryset(cls, queryset, info: strawberry.Info, **kwargs):
        return queryset.visible_to(viewer_of(info))

    @strawberry_django.field(
        annotate={"visible_photos": lambda info: album_photos_count(viewer_of(info))},
        description="As the viewer sees it.",
    )
    def photos_count(self, info: strawberry.Info) -> int:
        count = getattr(self, "visible_photos", None)
        if count is None:  # a mutation's own object
            count = (
                models.Album.objects.filter(pk=self.pk)
                .annotate(n=album_photos_count(viewer_of(info)))
                .values_list("n", flat=True)[0]
            )
        return count

    @strawberry_django.field(
        select_related=["cover"],
        annotate={"cover_visible": lambda info: album_cover_visible(viewer_of(info))},
        prefetch_related=[
            lambda info: Prefetch(
                "entries",
                queryset=first_visible_entries(viewer_of(info)),
                to_attr="first_visible",
            )
        ],
        description="The explicit cover, else the first photo the viewer may see.",
    )
    def cover(
        self, info: strawberry.Info
    ) -> Annotated["Photo", strawberry.lazy("schema.media.types")] | None:
        if not hasattr(self, "first_visible"):  # a mutation's own object
            self = (
                Album.get_queryset(models.Album.objects, info)
                .annotate(cover_visible=album_cover_visible(viewer_of(info)))
                .prefetch_related(
                    Prefetch(
                        "entries",
                        queryset=first_visible_entries(viewer_of(info)),
                        to_attr="first_visible",
                    )
                )
                .select_related("cover")
                .get(pk=self.pk)
            )
        if self.cover_id and self.cover_visible:
            return self.cover
        return self.first_visible[0].photo if self.first_visible else None
