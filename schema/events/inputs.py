from datetime import datetime

import strawberry

from schema.albums.types import AlbumVisibility

SPAN = "end before start, or a span over 366 days: `invalid` on end."


@strawberry.input
class CreateEventInput:
    title: str
    description: str | None = ""
    start: datetime = strawberry.field(description=SPAN)
    end: datetime
    visibility: AlbumVisibility | None = AlbumVisibility.PRIVATE


@strawberry.input
class UpdateEventInput:
    id: strawberry.ID
    title: str | None = None
    description: str | None = None
    start: datetime | None = strawberry.field(default=None, description=SPAN)
    end: datetime | None = None
    visibility: AlbumVisibility | None = None
    cover_photo_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the event's photos."
    )


@strawberry.input
class RelatePhotosInput:
    photo_ids: list[strawberry.ID] = strawberry.field(
        description="2 to 10 of the viewer's own photos, each once: one group; a photo "
        "already in another group moves."
    )
