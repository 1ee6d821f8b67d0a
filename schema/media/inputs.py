from datetime import datetime
from enum import Enum

import strawberry
from strawberry.file_uploads import Upload

from schema.library.places import NearInput
from schema.media.types import MediaKind, PhotoStatus


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
    kind: MediaKind | None = None
    taken_after: datetime | None = strawberry.field(
        default=None, description="Photos with a takenAt after this moment."
    )
    taken_before: datetime | None = strawberry.field(
        default=None, description="Photos with a takenAt before this moment."
    )
    near: NearInput | None = strawberry.field(
        default=None,
        description=(
            "Only the viewer's own photos with a location, within radiusKm (great-circle) "
            "of the point: others' locations are never searched (anonymous: nothing)."
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
