from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.fields.types import OperationInfo

from media_graph import models
from media_graph.querysets import event_photos_count
from schema.albums.types import AlbumVisibility
from schema.core.common import VisibleNode
from schema.core.connections import Connection
from schema.core.context import Info
from schema.engine.joins import joined
from schema.events import pages

if TYPE_CHECKING:
    from schema.media.types import Photo
    from schema.users.types import User

PhotoRef = Annotated["Photo", strawberry.lazy("schema.media.types")]


@strawberry_django.type(models.Event, name="Event")
class Event(VisibleNode, relay.Node):
    owner: Annotated["User", strawberry.lazy("schema.users.types")] = joined()
    title: str
    description: str
    visibility: AlbumVisibility
    start: datetime
    end: datetime
    created_at: datetime
    updated_at: datetime

    @strawberry_django.field(
        annotate={"visible_photos": lambda info: event_photos_count(info.context.viewer)},
        description="As the viewer sees it.",
    )
    def photos_count(self) -> int:
        return self.visible_photos

    @strawberry_django.field(
        only=["owner_id", "start", "end", "cover_id"],
        prefetch_related=[pages.cover_prefetch],
        description="The explicit cover while it is one of the photos the viewer sees, else "
        "the first of them; null when there is none.",
    )
    def cover(self, info: Info) -> PhotoRef | None:
        rows = getattr(self, pages.COVER_ATTR, None)
        if rows is not None:
            return rows[0] if rows else None
        photos = pages.one_event_photos(self, info)
        explicit = photos.filter(pk=self.cover_id).first() if self.cover_id else None
        return explicit or photos.first()

    @strawberry_django.field(
        only=["owner_id", "start", "end"],
        prefetch_related=[pages.page_prefetch],
        description="The owner's photos taken (takenAt, else createdAt) within [start, end], "
        "oldest first; others see published ones only.",
    )
    def photos(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PhotoRef]:
        rows = getattr(self, pages.PAGE_ATTR.format(info.path.key), None)
        if rows is None:
            return Connection.resolve_connection(
                pages.one_event_photos(self, info), info=info, first=first, after=after
            )
        return Connection.prefetched_page(rows, pages.page_order(), after=after)


EventPayload = Annotated[Event | OperationInfo, strawberry.union("EventPayload")]
