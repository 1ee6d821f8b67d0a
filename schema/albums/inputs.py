import strawberry

from schema.albums.types import AlbumRole, AlbumVisibility


@strawberry.input
class CreateAlbumInput:
    title: str
    description: str | None = ""
    visibility: AlbumVisibility | None = AlbumVisibility.PRIVATE
    photo_ids: list[strawberry.ID] | None = strawberry.field(default_factory=list)


@strawberry.input
class UpdateAlbumInput:
    id: strawberry.ID
    title: str | None = None
    description: str | None = None
    visibility: AlbumVisibility | None = None
    cover_photo_id: strawberry.ID | None = None


@strawberry.input
class AlbumPhotosInput:
    album_id: strawberry.ID
    photo_ids: list[strawberry.ID]


@strawberry.input
class AlbumMemberInput:
    album_id: strawberry.ID
    username: str
    role: AlbumRole = strawberry.field(description="EDITOR or VIEWER (OWNER is `invalid`).")


@strawberry.input
class RemoveAlbumMemberInput:
    album_id: strawberry.ID
    username: str
