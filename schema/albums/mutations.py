import strawberry
from django.core.exceptions import ValidationError

from media_graph import models
from media_graph.services import album_members, albums
from project.codes import PayloadCode
from schema.albums.inputs import (
    AlbumMemberInput,
    AlbumPhotosInput,
    CreateAlbumInput,
    RemoveAlbumMemberInput,
    UpdateAlbumInput,
)
from schema.albums.types import Album, AlbumPayload
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
from schema.engine.optimizer import optimized
from schema.media.types import Photo
from schema.users.types import find_user

# The album services name the model's fields where the client sent IDs.
ALBUM_FIELDS = {"photos": "photoIds", "cover": "coverPhotoId"}


def photo_pks(ids: list[str] | None) -> list[int]:
    pks = [parse_global_id(value, "Photo") for value in ids or []]
    if None in pks:
        raise ValidationError(
            {"photos": ValidationError("Not a photo ID.", code=PayloadCode.NOT_FOUND)}
        )
    return pks


def _album(info: Info, album_id: str, field: str = "id") -> models.Album:
    return find_visible(Album, models.Album, album_id, info, field=field)


@strawberry.type
class Mutation:
    @payload_mutation(input_fields=ALBUM_FIELDS)
    def create_album(self, info: Info, input: CreateAlbumInput) -> AlbumPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        album = albums.album_create(
            owner=viewer,
            title=input.title,
            description=input.description or "",
            visibility=(input.visibility or models.Album.Visibility.PRIVATE).value,
            photo_ids=photo_pks(input.photo_ids),
        )
        return refetch(Album, album, info)

    @payload_mutation(input_fields=ALBUM_FIELDS)
    def update_album(self, info: Info, input: UpdateAlbumInput) -> AlbumPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        album = _album(info, input.id)
        cover = None
        if input.cover_photo_id is not None:
            cover = find_visible(
                Photo, models.Photo, input.cover_photo_id, info, field="coverPhotoId"
            )
        albums.album_update(
            album=album,
            actor=viewer,
            title=input.title,
            description=input.description,
            visibility=input.visibility.value if input.visibility else None,
            cover=cover,
        )
        return refetch(Album, album, info)

    @payload_mutation(description="The photos stay.")
    def delete_album(self, info: Info, input: NodeInput) -> DeletePayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        pk = albums.album_delete(album=_album(info, input.id), actor=viewer)
        return DeletedNode(id=global_id("Album", pk))

    @payload_mutation(input_fields=ALBUM_FIELDS, description="Only your own photos.")
    def add_photos_to_album(self, info: Info, input: AlbumPhotosInput) -> AlbumPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        album = _album(info, input.album_id, field="albumId")
        albums.album_add_photos(album=album, actor=viewer, photo_ids=photo_pks(input.photo_ids))
        return refetch(Album, album, info)

    @payload_mutation(input_fields=ALBUM_FIELDS)
    def remove_photos_from_album(self, info: Info, input: AlbumPhotosInput) -> AlbumPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        album = _album(info, input.album_id, field="albumId")
        albums.album_remove_photos(album=album, actor=viewer, photo_ids=photo_pks(input.photo_ids))
        return refetch(Album, album, info)

    @payload_mutation(description="The owner only; again for a member changes the role.")
    def add_album_member(self, info: Info, input: AlbumMemberInput) -> AlbumPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        album = _album(info, input.album_id, field="albumId")
        member = find_user(info, input.username)
        album_members.album_member_add(
            album=album, actor=viewer, user=member, role=input.role.value
        )
        return refetch(Album, album, info)

    @payload_mutation(description="The owner removes a member, or a member leaves.")
    def remove_album_member(self, info: Info, input: RemoveAlbumMemberInput) -> AlbumPayload:
        viewer = info.context.viewer_or_payload_error(Scope.PUBLISH)
        album = _album(info, input.album_id, field="albumId")
        member = find_user(info, input.username)
        album_members.album_member_remove(album=album, actor=viewer, user=member)
        if member.pk == viewer.pk:
            # A member who left may no longer see a PRIVATE album: answer the album they
            # just saw (its photos and members go by what they may see now).
            return optimized(models.Album.objects.filter(pk=album.pk), info).get()
        return refetch(Album, album, info)
