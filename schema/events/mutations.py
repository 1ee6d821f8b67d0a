import strawberry
from django.core.exceptions import ValidationError

from media_graph import models
from media_graph.services import events, related
from project.codes import PayloadCode
from schema.core.common import (
    DeletedNode,
    DeletePayload,
    NodeInput,
    find_visible,
    payload_mutation,
    refetch,
)
from schema.core.context import Info, Scope
from schema.core.nodes import global_id, parse_global_id
from schema.events.inputs import CreateEventInput, RelatePhotosInput, UpdateEventInput
from schema.events.types import Event, EventPayload
from schema.media.types import Photo, PhotoPayload

# The services name the model's fields where the client sent IDs.
EVENT_FIELDS = {"cover": "coverPhotoId", "photos": "photoIds"}


def _event(info: Info, event_id: str) -> models.Event:
    return find_visible(Event, models.Event, event_id, info)


@strawberry.type
class Mutation:
    @payload_mutation(input_fields=EVENT_FIELDS)
    def create_event(self, info: Info, input: CreateEventInput) -> EventPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        event = events.event_create(
            owner=viewer,
            title=input.title,
            description=input.description or "",
            start=input.start,
            end=input.end,
            visibility=(input.visibility or models.Album.Visibility.PRIVATE).value,
        )
        return refetch(Event, event, info)

    @payload_mutation(input_fields=EVENT_FIELDS)
    def update_event(self, info: Info, input: UpdateEventInput) -> EventPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        event = _event(info, input.id)
        cover = None
        if input.cover_photo_id is not None:
            cover = find_visible(
                Photo, models.Photo, input.cover_photo_id, info, field="coverPhotoId"
            )
        events.event_update(
            event=event,
            actor=viewer,
            title=input.title,
            description=input.description,
            start=input.start,
            end=input.end,
            visibility=input.visibility.value if input.visibility else None,
            cover=cover,
        )
        return refetch(Event, event, info)

    @payload_mutation(description="The photos stay.")
    def delete_event(self, info: Info, input: NodeInput) -> DeletePayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        pk = events.event_delete(event=_event(info, input.id), actor=viewer)
        return DeletedNode(id=global_id("Event", pk))

    @payload_mutation(
        input_fields=EVENT_FIELDS, description="Answers the first photo, its `related` filled."
    )
    def relate_photos(self, info: Info, input: RelatePhotosInput) -> PhotoPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        pks = [parse_global_id(value, "Photo") for value in input.photo_ids]
        if None in pks:
            raise ValidationError(
                {"photos": ValidationError("Not a photo ID.", code=PayloadCode.NOT_FOUND)}
            )
        photo = related.photos_relate(owner=viewer, photo_ids=pks)
        return refetch(Photo, photo, info)

    @payload_mutation(description="Takes the photo out of its group.")
    def unrelate_photo(self, info: Info, input: NodeInput) -> PhotoPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        photo = find_visible(Photo, models.Photo, input.id, info)
        related.photo_unrelate(photo=photo, actor=viewer)
        return refetch(Photo, photo, info)
