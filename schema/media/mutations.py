from typing import Annotated

import strawberry
from django.core.exceptions import ValidationError
from strawberry_django.fields.types import OperationInfo

from media_graph import models
from media_graph.services import photos as services
from project.codes import PayloadCode
from schema.context import require_viewer
from schema.errors import DomainErrors
from schema.media.inputs import NodeInput, UpdatePhotoInput, UploadPhotoInput
from schema.media.types import DeletedNode, Photo
from schema.nodes import get_visible, global_id

PhotoPayload = Annotated[Photo | OperationInfo, strawberry.union("PhotoPayload")]
DeletePayload = Annotated[DeletedNode | OperationInfo, strawberry.union("DeletePayload")]


def _duplicate(error: services.DuplicatePhoto) -> ValidationError:
    existing = global_id("Photo", error.existing.pk)
    message = f"You uploaded this photo already: {existing}."
    return ValidationError({"file": ValidationError(message, code=PayloadCode.DUPLICATE)})


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[DomainErrors()])
    def upload_photo(self, info: strawberry.Info, input: UploadPhotoInput) -> PhotoPayload:
        viewer = require_viewer(info)
        album = None
        if input.album_id is not None:
            from schema.albums.types import Album

            album = get_visible(Album, models.Album, input.album_id, info, field="albumId")
        try:
            return services.photo_upload(
                owner=viewer,
                file=input.file,
                caption=input.caption or "",
                alt_text=input.alt_text or "",
                publish=bool(input.publish),
                album=album,
            )
        except services.DuplicatePhoto as error:
            raise _duplicate(error) from None

    @strawberry.mutation(extensions=[DomainErrors()])
    def update_photo(self, info: strawberry.Info, input: UpdatePhotoInput) -> PhotoPayload:
        viewer = require_viewer(info)
        photo = get_visible(Photo, models.Photo, input.id, info)
        return services.photo_update(
            photo=photo, actor=viewer, caption=input.caption, alt_text=input.alt_text
        )

    @strawberry.mutation(extensions=[DomainErrors()])
    def publish_photo(self, info: strawberry.Info, input: NodeInput) -> PhotoPayload:
        viewer = require_viewer(info)
        photo = get_visible(Photo, models.Photo, input.id, info)
        return services.photo_publish(photo=photo, actor=viewer)

    @strawberry.mutation(extensions=[DomainErrors()], description="Back to DRAFT.")
    def unpublish_photo(self, info: strawberry.Info, input: NodeInput) -> PhotoPayload:
        viewer = require_viewer(info)
        photo = get_visible(Photo, models.Photo, input.id, info)
        return services.photo_unpublish(photo=photo, actor=viewer)

    @strawberry.mutation(
        extensions=[DomainErrors()],
        description="Removes the original and every thumbnail from storage.",
    )
    def delete_photo(self, info: strawberry.Info, input: NodeInput) -> DeletePayload:
        viewer = require_viewer(info)
        photo = get_visible(Photo, models.Photo, input.id, info)
        pk = services.photo_delete(photo=photo, actor=viewer)
        return DeletedNode(id=global_id("Photo", pk))
