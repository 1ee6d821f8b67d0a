"""createPhotoUpload and finalizePhotoUpload: the bytes go to storage, not through the API."""

import uuid
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry_django.fields.types import OperationInfo

from media_graph import models
from media_graph.services import direct_uploads as services
from schema.albums.types import Album
from schema.core.common import find_visible, payload_mutation, refetch
from schema.core.context import Info, Scope
from schema.core.errors import NotFound
from schema.media.inputs import GROUP_PAIRS_DESCRIPTION
from schema.media.types import Photo, PhotoPayload


@strawberry.input
class CreatePhotoUploadInput:
    filename: str = strawberry.field(
        description=f"A hint only (the server chooses the key); at most "
        f"{services.FILENAME_MAX_LENGTH} characters."
    )
    content_type: str = strawberry.field(
        description=f"One of {', '.join(sorted(services.CONTENT_TYPES))}; a hint only: "
        "the bytes decide."
    )
    size_bytes: int = strawberry.field(
        description="Exactly the bytes that will be sent; over the limit: file_too_large, "
        "before any byte moves."
    )
    sha256: str = strawberry.field(
        description="The bytes' SHA-256, 64 hex digits; bytes this owner uploaded before: "
        "duplicate, before any byte moves."
    )


@strawberry.type
class UploadTarget:
    upload_id: strawberry.ID
    url: str = strawberry.field(description="Absolute: where the client sends the bytes.")
    method: str = strawberry.field(
        description='"PUT": the body is the file, with `headers` (and its exact length).'
    )
    headers: JSON = strawberry.field(description="Header name -> value, to send as they are.")
    fields: JSON = strawberry.field(description="Form fields (POST only; {} for PUT).")
    expires_at: datetime


UploadTargetPayload = Annotated[
    UploadTarget | OperationInfo, strawberry.union("UploadTargetPayload")
]


@strawberry.input
class FinalizePhotoUploadInput:
    upload_id: strawberry.ID
    caption: str | None = ""
    alt_text: str | None = ""
    publish: bool | None = strawberry.field(
        default=False, description="false: the photo is saved as a DRAFT."
    )
    album_id: strawberry.ID | None = None
    group_pairs: bool | None = strawberry.field(default=False, description=GROUP_PAIRS_DESCRIPTION)


# The services name the staged bytes' faults where finalize's client sent the upload.
FINALIZE_FIELDS = {"original": "uploadId", "key": "uploadId"}


def _upload_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound("No upload with this ID.", field="uploadId") from None


@strawberry.type
class Mutation:
    @payload_mutation(
        description="Stage a direct upload: answers where to send the bytes (valid until "
        "`expiresAt`); then call finalizePhotoUpload."
    )
    def create_photo_upload(self, info: Info, input: CreatePhotoUploadInput) -> UploadTargetPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        staged = services.photo_upload_create(
            owner=viewer,
            filename=input.filename,
            content_type=input.content_type,
            size_bytes=input.size_bytes,
            sha256=input.sha256,
        )
        target = staged.target
        return UploadTarget(
            upload_id=strawberry.ID(str(staged.upload.pk)),
            # Local storage's target is a path of this app.
            url=info.context.request.build_absolute_uri(target.url),
            method=target.method,
            headers=target.headers,
            fields=target.fields,
            expires_at=staged.expires_at,
        )

    @payload_mutation(
        input_fields=FINALIZE_FIELDS,
        description="The stored bytes are checked as uploadPhoto checks them, and must hash "
        "to the declared sha256. Once per upload: again, it is not_found.",
    )
    def finalize_photo_upload(self, info: Info, input: FinalizePhotoUploadInput) -> PhotoPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        upload_id = _upload_id(input.upload_id)
        album = None
        if input.album_id is not None:
            album = find_visible(Album, models.Album, input.album_id, info, field="albumId")
        try:
            photo = services.photo_upload_finalize(
                owner=viewer,
                upload_id=upload_id,
                caption=input.caption or "",
                alt_text=input.alt_text or "",
                publish=bool(input.publish),
                album=album,
                group_pairs=bool(input.group_pairs),
            )
        except models.StagedUpload.DoesNotExist as error:
            raise NotFound(str(error), field="uploadId") from None
        return refetch(Photo, photo, info)
