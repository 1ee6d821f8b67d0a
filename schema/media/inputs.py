from datetime import datetime
from enum import Enum

import strawberry
from strawberry.file_uploads import Upload

from schema.media.types import PhotoStatus


@strawberry.enum
class Ordering(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input
class PhotoFilter:
    owner: str | None = strawberry.field(default=None, description="A username.")
    status: PhotoStatus | None = strawberry.field(
        default=None, description="DRAFT only ever matches the viewer's own photos."
    )
    tags: list[str] | None = strawberry.field(
        default=None, description="Photos carrying all of these tags ('#' optional, any case)."
    )
    published_after: datetime | None = None
    published_before: datetime | None = None
    search: str | None = strawberry.field(default=None, description="Words in the caption.")


@strawberry.input
class PhotoOrder:
    published_at: Ordering | None = strawberry.field(
        default=None, description="Default DESC; drafts sort by createdAt."
    )


@strawberry.input
class UploadPhotoInput:
    file: Upload
    caption: str | None = ""
    alt_text: str | None = ""
    publish: bool | None = strawberry.field(
        default=False, description="false: the photo is saved as a DRAFT."
    )
    album_id: strawberry.ID | None = None


@strawberry.input
class UpdatePhotoInput:
    id: strawberry.ID
    caption: str | None = None
    alt_text: str | None = None


@strawberry.input
class NodeInput:
    id: strawberry.ID
