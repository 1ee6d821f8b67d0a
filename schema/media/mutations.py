import strawberry

from media_graph import models
from media_graph.services import photos as services
from schema.albums.types import Album
from schema.core.common import (
    DeletedNode,
    DeletePayload,
    NodeInput,
    find_visible,
    payload_mutation,
    refetch,
)
from schema.core.context import Info, Scope
from schema.core.nodes import global_id
from schema.media.inputs import SchedulePhotoInput, UpdatePhotoInput, UploadPhotoInput
from schema.media.types import Photo, PhotoPayload

# The services name the original where the client sent `file`.
UPLOAD_FIELDS = {"original": "file"}


def _viewer_and_photo(info: Info, photo_id: str):
    viewer = info.context.viewer_or_payload_error(
        Scope.PUBLISH
    )  # before the lookup: anonymous first
    return viewer, find_visible(Photo, models.Photo, photo_id, info)


@strawberry.type
class Mutation:
    @payload_mutation(input_fields=UPLOAD_FIELDS)
    def upload_photo(self, info: Info, input: UploadPhotoInput) -> PhotoPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        album = None
        if input.album_id is not None:
            album = find_visible(Album, models.Album, input.album_id, info, field="albumId")
        photo = services.photo_upload(
            owner=viewer,
            file=input.file,
            caption=input.caption or "",
            alt_text=input.alt_text or "",
            publish=bool(input.publish),
            album=album,
            group_pairs=bool(input.group_pairs),
        )
        return refetch(Photo, photo, info)

    @payload_mutation()
    def update_photo(self, info: Info, input: UpdatePhotoInput) -> PhotoPayload:
        viewer, photo = _viewer_and_photo(info, input.id)
        services.photo_update(
            photo=photo, actor=viewer, caption=input.caption, alt_text=input.alt_text
        )
        return refetch(Photo, photo, info)

    @payload_mutation(description="Now; a SCHEDULED photo's schedule is dropped.")
    def publish_photo(self, info: Info, input: NodeInput) -> PhotoPayload:
        viewer, photo = _viewer_and_photo(info, input.id)
        return refetch(Photo, services.photo_publish(photo=photo, actor=viewer), info)

    @payload_mutation(
        input_fields={"status": "id"},
        description=(
            "SCHEDULED until `publishAt` (in the future, at most 365 days ahead, else "
            "`invalid` on publishAt): only the owner sees it until then, everyone after. "
            "A published photo is `invalid` on id; a SCHEDULED one is rescheduled."
        ),
    )
    def schedule_photo(self, info: Info, input: SchedulePhotoInput) -> PhotoPayload:
        viewer, photo = _viewer_and_photo(info, input.id)
        scheduled = services.photo_schedule(photo=photo, actor=viewer, publish_at=input.publish_at)
        return refetch(Photo, scheduled, info)

    @payload_mutation(description="Back to DRAFT (a SCHEDULED photo's schedule is cancelled).")
    def unpublish_photo(self, info: Info, input: NodeInput) -> PhotoPayload:
        viewer, photo = _viewer_and_photo(info, input.id)
        return refetch(Photo, services.photo_unpublish(photo=photo, actor=viewer), info)

    @payload_mutation(description="Removes the original and every thumbnail from storage.")
    def delete_photo(self, info: Info, input: NodeInput) -> DeletePayload:
        viewer, photo = _viewer_and_photo(info, input.id)
        pk = services.photo_delete(photo=photo, actor=viewer)
        return DeletedNode(id=global_id("Photo", pk))
