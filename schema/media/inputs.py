from datetime import datetime
from enum import Enum

import strawberry
from strawberry.file_uploads import Upload

from schema.media.types import PhotoStatus


@strawberry.enum
class Ordering(Enum):
    ASC = "ASC"
    DESC = "DESC"


GROUP_PAIRS_DESCRIPTION = (
    "true: group this photo with the owner's other upload of the same file name without "
    "its extension (IMG_0001.HEIC and IMG_0001.MOV) taken within a second of it, both "
    "sent with groupPairs (Photo.related). The file name is kept for that only."
)


# Bounds on what one filter may ask for; beyond them a BAD_USER_INPUT error names the bound.
MAX_FILTER_TAGS = 10
MAX_SEARCH_WORDS = 10
MAX_SEARCH_CHARS = 200


@strawberry.input
class PhotoFilter:
    owner: str | None = strawberry.field(default=None, description="A username.")
    status: PhotoStatus | None = strawberry.field(
        default=None, description="DRAFT only ever matches the viewer's own photos."
    )
    tags: list[str] | None = strawberry.field(
        default=None,
        description=(
            "Photos carrying all of these tags ('#' optional, any case); "
            f"at most {MAX_FILTER_TAGS}."
        ),
    )
    published_after: datetime | None = None
    published_before: datetime | None = None
    search: str | None = strawberry.field(
        default=None,
        description=(
            f"Words in the caption, all of them (any case): at most {MAX_SEARCH_WORDS} words "
            f"and {MAX_SEARCH_CHARS} characters."
        ),
    )


@strawberry.input
class SchedulePhotoInput:
    id: strawberry.ID
    publish_at: datetime = strawberry.field(
        description="In the future (with a UTC offset), at most 365 days ahead."
    )


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
    group_pairs: bool | None = strawberry.field(default=False, description=GROUP_PAIRS_DESCRIPTION)


@strawberry.input
class UpdatePhotoInput:
    id: strawberry.ID
    caption: str | None = None
    alt_text: str | None = None
