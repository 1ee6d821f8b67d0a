from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.scalars import JSON
from strawberry_django.fields.types import OperationInfo

from media_graph import models, playback
from media_graph import storage as media_storage
from media_graph.querysets import viewer_has_favorited, viewer_has_liked
from schema.core.common import VisibleNode
from schema.core.connections import Connection, nested_connection
from schema.core.context import Info
from schema.engine.joins import joined
from schema.events.related import related_photos, related_prefetch
from schema.library.places import Place
from schema.media import images
from schema.moderation.status import (
    MODERATION_STATUS_DESCRIPTION,
    ModerationStatus,
    moderation_status,
)

if TYPE_CHECKING:
    from schema.social.types import Comment
    from schema.users.types import User

PhotoStatus = strawberry.enum(models.Photo.Status, name="PhotoStatus")
ProcessingStatus = strawberry.enum(models.Photo.ProcessingStatus, name="ProcessingStatus")
MediaKind = strawberry.enum(models.Photo.Kind, name="MediaKind")


@strawberry.enum(
    description="SMALL: 320x320 crop. MEDIUM: 640 px, LARGE: 1280 px on the long edge."
)
class ThumbnailSize(Enum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


ImageFormat = strawberry.enum(models.ImageVariant.Format, name="ImageFormat")


@strawberry.type
class Image:
    url: str = strawberry.field(
        description="Absolute; signed when the storage is private; the same all window long."
    )
    width: int
    height: int
    format: ImageFormat


@strawberry.type(description="A clip's playable file.")
class Video:
    url: str = strawberry.field(
        description="Absolute, signed like every media URL; range requests seek within it."
    )
    width: int = strawberry.field(description="As shown: after the container's rotation.")
    height: int
    content_type: str = strawberry.field(description="video/mp4, video/quicktime or video/webm.")
    duration_seconds: float


def _image(info: Info, name: str, width: int, height: int) -> Image:
    url = info.context.request.build_absolute_uri(media_storage.url(name))
    return Image(url=url, width=width, height=height, format=ImageFormat.JPEG)


def _is_owner(info: Info, photo: models.Photo) -> bool:
    return info.context.viewer.pk == photo.owner_id


@strawberry_django.type(models.Tag, name="Tag")
class Tag(VisibleNode, relay.Node):
    name: str = strawberry_django.field(description="Lower-case, without '#'.")
    photos_count: int = strawberry_django.field(description="Published photos.")

    photos: Connection[Annotated["Photo", strawberry.lazy("schema.media.types")]] = (
        nested_connection(
            refine=lambda photos: photos.published().newest_first(),
            description="Published photos with this tag, newest first.",
        )
    )


@strawberry_django.type(models.Photo, name="Photo")
class Photo(VisibleNode, relay.Node):
    owner: Annotated["User", strawberry.lazy("schema.users.types")] = joined()
    caption: str = strawberry_django.field(description="#tags in it are parsed into `tags`.")
    alt_text: str

    @strawberry_django.field(
        only=["status", "published_at"],
        description="A SCHEDULED photo is PUBLISHED from its publishedAt on.",
    )
    def status(self) -> PhotoStatus:
        return models.Photo.Status(self.live_status)

    processing_status: ProcessingStatus
    kind: MediaKind = strawberry_django.field(description="Uploads of MP4, MOV or WebM are VIDEO.")
    duration_seconds: float | None = strawberry_django.field(description="Videos only.")

    @strawberry_django.field(
        only=[
            "kind",
            "original",
            "owner_id",
            "thumbnails",
            "width",
            "height",
            "content_type",
            "duration_seconds",
        ],
        description=(
            "Videos only: the playable file, to whoever may see the photo (its owner "
            "always, others once it is published). Its owner gets the original; others "
            "a copy without the container's metadata (no location, no recording time), "
            "null until it is made (while PENDING)."
        ),
    )
    def video(self, info: Info) -> Video | None:
        if self.kind != models.Photo.Kind.VIDEO:
            return None
        if _is_owner(info, self):
            name = self.original.name
        else:
            name = self.thumbnails.get(playback.ENTRY, {}).get("name")
            if name is None:
                return None
        return Video(
            url=info.context.request.build_absolute_uri(media_storage.url(name)),
            width=self.width,
            height=self.height,
            content_type=self.content_type,
            duration_seconds=self.duration_seconds,
        )

    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = strawberry_django.field(
        description="Null while DRAFT; when SCHEDULED, the moment it will be published."
    )
    width: int = strawberry_django.field(description="Of the original, after EXIF orientation.")
    height: int
    content_type: str = strawberry_django.field(description="Detected from the bytes.")
    size_bytes: int
    sha256: str
    taken_at: datetime | None = strawberry_django.field(
        description=(
            "When it was taken, from EXIF (DateTimeOriginal). With the camera's "
            "OffsetTimeOriginal it is exact; without one, EXIF holds only the camera's "
            "wall-clock time, given here as if it were UTC (exif.takenAt shows it as "
            "written, with no offset)."
        )
    )
    tags: list[Tag]
    likes_count: int
    comments_count: int
    likes: Connection[Annotated["User", strawberry.lazy("schema.users.types")]] = nested_connection(
        field_name="liked_by",
        refine=lambda users: users.order_by("-likes__created_at", "-likes__id"),
        description="Newest like first.",
    )
    comments: Connection[Annotated["Comment", strawberry.lazy("schema.social.types")]] = (
        nested_connection(
            refine=lambda comments: comments.oldest_first(), description="Oldest first."
        )
    )

    @strawberry_django.field(
        annotate={"viewer_liked": lambda info: viewer_has_liked(info.context.viewer)}
    )
    def viewer_has_liked(self, info: Info) -> bool:
        return _viewer_flag(self, info, "viewer_liked", viewer_has_liked)

    @strawberry_django.field(
        annotate={"viewer_favorited": lambda info: viewer_has_favorited(info.context.viewer)},
        description="False for anonymous viewers. Favorites are private: nobody else sees them.",
    )
    def viewer_has_favorited(self, info: Info) -> bool:
        return _viewer_flag(self, info, "viewer_favorited", viewer_has_favorited)

    @strawberry_django.field(
        only=["group_id"],
        prefetch_related=[related_prefetch],
        description="The other files of the same moment (RAW + JPEG, a Live Photo's still "
        "and clip, an edit and its source) that the viewer may see.",
    )
    def related(
        self, info: Info
    ) -> list[Annotated["Photo", strawberry.lazy("schema.media.types")]]:
        return related_photos(self, info)

    @strawberry_django.field(
        only=["hidden_at", "owner_id"], description=MODERATION_STATUS_DESCRIPTION
    )
    def moderation_status(self, info: Info) -> ModerationStatus | None:
        return moderation_status(info, self, self.owner_id)

    @strawberry_django.field(only=["exif", "owner_id"], description="Owner only.")
    def exif(self, info: Info) -> JSON | None:
        return self.exif if _is_owner(info, self) else None

    @strawberry_django.field(
        only=["latitude", "longitude", "owner_id"],
        description="Owner only: from EXIF GPS or the clip's location; null for everyone else.",
    )
    def location(self, info: Info) -> Place | None:
        if not _is_owner(info, self) or self.latitude is None or self.longitude is None:
            return None
        return Place(latitude=self.latitude, longitude=self.longitude)

    @strawberry_django.field(
        only=["thumbnails"], description="Null only while its variants are still being made."
    )
    def thumbnail(self, info: Info, size: ThumbnailSize = ThumbnailSize.MEDIUM) -> Image | None:
        made = self.thumbnails.get(size.value)
        if not made:
            return None
        return _image(info, made["name"], made["width"], made["height"])

    @strawberry_django.field(
        only=["original", "width", "height", "processing_status", "owner_id"],
        description=(
            "The variant at the smallest ladder width (160, 320, 480, 640, 960, 1280, 1920, "
            "2560) at or above `width` (1 to 10000), never wider than the original; null "
            "while PENDING. Made once (ahead, or on its URL's first fetch), then served stored."
        ),
    )
    def image(
        self, info: Info, width: int, format: ImageFormat | None = ImageFormat.WEBP
    ) -> Image | None:
        format = format or ImageFormat.WEBP  # an explicit null means the default
        variant = images.variant(self, width, format.value, own=_is_owner(info, self))
        return variant and Image(
            url=info.context.request.build_absolute_uri(variant.url),
            width=variant.width,
            height=variant.height,
            format=format,
        )

    @strawberry_django.field(
        only=["original", "width", "height", "processing_status", "owner_id"],
        description=(
            '"URL 320w, URL 640w, ..." over the ladder up to the original\'s width, for '
            "<img srcset>; null while PENDING."
        ),
    )
    def src_set(self, info: Info, format: ImageFormat | None = ImageFormat.WEBP) -> str | None:
        own = _is_owner(info, self)
        entries = images.src_set(self, (format or ImageFormat.WEBP).value, own=own)
        absolute = info.context.request.build_absolute_uri
        return entries and ", ".join(f"{absolute(url)} {width}w" for url, width in entries)

    @strawberry_django.field(only=["blurhash"], description="4x3 components; null while PENDING.")
    def blurhash(self) -> str | None:
        return self.blurhash or None

    @strawberry_django.field(only=["dominant_color"], description="As #rrggbb; null while PENDING.")
    def dominant_color(self) -> str | None:
        return self.dominant_color or None

    @strawberry_django.field(
        only=["original", "width", "height", "owner_id", "kind", "thumbnails"],
        description="Owner only. A video's is its poster frame (null while PENDING).",
    )
    def original(self, info: Info) -> Image | None:
        if not _is_owner(info, self):
            return None
        if self.kind == models.Photo.Kind.VIDEO:
            poster = self.thumbnails.get("poster")
            return poster and _image(info, poster["name"], poster["width"], poster["height"])
        return _image(info, self.original.name, self.width, self.height)


PhotoPayload = Annotated[Photo | OperationInfo, strawberry.union("PhotoPayload")]


def _viewer_flag(photo, info: Info, name: str, expression) -> bool:
    """The viewer's flag on `photo`: the optimizer's annotation, or, for a photo that a
    resolver loaded itself (an album's `cover`), one query for this photo."""
    if not hasattr(photo, name):
        rows = models.Photo.objects.filter(pk=photo.pk)
        flag = rows.annotate(flag=expression(info.context.viewer)).values_list("flag", flat=True)
        setattr(photo, name, bool(flag.first()))
    return getattr(photo, name)
