from typing import Annotated

import strawberry
from django.core.exceptions import ValidationError
from strawberry_django.fields.types import OperationInfo

from media_graph import models
from media_graph.services import albums
from project.codes import PayloadCode
from schema.albums.inputs import AlbumPhotosInput, CreateAlbumInput, UpdateAlbumInput
from schema.albums.types import Album
from schema.context import require_viewer
from schema.errors import DomainErrors
from schema.media.inputs import NodeInput
from schema.media.mutations import DeletePayload
from schema.media.types import DeletedNode, Photo
from schema.nodes import get_visible, global_id, parse_global_id

AlbumPayload = Annotated[Album | OperationInfo, strawberry.union("AlbumPayload")]


def photo_pks(ids: list[str] | None, *, field: str = "photo_ids") -> list[int]:
    pks = [parse_global_id(value, "Photo") for value in ids or []]
    if None in pks:
        raise ValidationError(
            {field: ValidationError("Not a photo ID.", code=PayloadCode.NOT_FOUND)}
        )
    return pks


def _album(info: strawberry.Info, album_id: str, field: str = "id") -> models.Album:
    return get_visible(Album, models.Album, album_id, info, field=field)


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[DomainErrors()])
    def create_album(self, info: strawberry.Info, input: CreateAlbumInput) -> AlbumPayload:
        viewer = require_viewer(info)
        return albums.album_create(
            owner=viewer,
            title=input.title,
            description=input.description or "",
            visibility=(input.visibility or models.Album.Visibility.PRIVATE).value,
            photo_ids=photo_pks(input.photo_ids),
        )

    @strawberry.mutation(extensions=[DomainErrors()])
    def update_album(self, info: strawberry.Info, input: UpdateAlbumInput) -> AlbumPayload:
        viewer = require_viewer(info)
        album = _album(info, input.id)
        cover = None
        if input.cover_photo_id is not None:
            cover = get_visible(
                Photo, models.Photo, input.cover_photo_id, info, field="coverPhotoId"
            )
        return albums.album_update(
            album=album,
            actor=viewer,
            title=input.title,
            description=input.description,
            visibility=input.visibility.value if input.visibility else None,
            cover=cover,
        )

    @strawberry.mutation(extensions=[DomainErrors()], description="The photos stay.")
    def delete_album(self, info: strawberry.Info, input: NodeInput) -> DeletePayload:
        viewer = require_viewer(info)
        pk = albums.album_delete(album=_album(info, input.id), actor=viewer)
        return DeletedNode(id=global_id("Album", pk))

    @strawberry.mutation(extensions=[DomainErrors()], description="Only your own photos.")
    def add_photos_to_album(self, info: strawberry.Info, input: AlbumPhotosInput) -> AlbumPayload:
        viewer = require_viewer(info)
        album = _album(info, input.album_id, field="albumId")
        return albums.album_add_photos(
            album=album, actor=viewer, photo_ids=photo_pks(input.photo_ids)
        )

    @strawberry.mutation(extensions=[DomainErrors()])
    def remove_photos_from_album(
        self, info: strawberry.Info, input: AlbumPhotosInput
    ) -> AlbumPayload:
        viewer = require_viewer(info)
        album = _album(info, input.album_id, field="albumId")
        return albums.album_remove_photos(
            album=album, actor=viewer, photo_ids=photo_pks(input.photo_ids)
        )
