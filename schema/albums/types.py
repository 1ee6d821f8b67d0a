from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import relay
from strawberry_django.fields.types import OperationInfo

from media_graph import models
from media_graph.querysets import (
    album_cover_visible,
    album_photos_count,
    first_visible_entries,
    viewer_album_role,
    visible_members,
)
from schema.core.common import VisibleNode
from schema.core.connections import Connection, nested_connection
from schema.core.context import Info
from schema.engine.joins import joined

if TYPE_CHECKING:
    from schema.media.types import Photo
    from schema.users.types import User

AlbumVisibility = strawberry.enum(models.Album.Visibility, name="AlbumVisibility")


@strawberry.enum(description="OWNER: everything. EDITOR: adds and removes their own photos.")
class AlbumRole(Enum):
    OWNER = "OWNER"
    EDITOR = "EDITOR"
    VIEWER = "VIEWER"


@strawberry.type
class AlbumMember:
    user: Annotated["User", strawberry.lazy("schema.users.types")]
    role: AlbumRole
    added_at: datetime = strawberry.field(description="The album's creation, for its owner.")


def _members(info) -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=visible_members(info.context.viewer)
        .select_related("user")
        .order_by("added_at", "id"),
        to_attr="member_rows",
    )


@strawberry_django.type(models.Album, name="Album")
class Album(VisibleNode, relay.Node):
    owner: Annotated["User", strawberry.lazy("schema.users.types")] = joined()
    title: str
    description: str
    visibility: AlbumVisibility
    created_at: datetime
    updated_at: datetime
    photos: Connection[Annotated["Photo", strawberry.lazy("schema.media.types")]] = (
        nested_connection(
            refine=lambda photos: photos.order_by("album_entries__position"),
            description="Album order; others see published photos only.",
        )
    )

    @strawberry_django.field(
        annotate={"visible_photos": lambda info: album_photos_count(info.context.viewer)},
        description="As the viewer sees it.",
    )
    def photos_count(self) -> int:
        return self.visible_photos

    @strawberry_django.field(
        annotate={"role_of_viewer": lambda info: viewer_album_role(info.context.viewer)},
        description="Null when the viewer is neither the owner nor a member.",
    )
    def viewer_role(self) -> AlbumRole | None:
        return AlbumRole(self.role_of_viewer) if self.role_of_viewer else None

    @strawberry_django.field(
        only=["owner_id", "created_at"],
        select_related=["owner"],
        prefetch_related=[_members],
        description=(
            "The owner first, then members in the order they were added. Only the owner and "
            "the members see them; everyone else gets []."
        ),
    )
    def members(self, info: Info) -> list[AlbumMember]:
        rows = self.member_rows
        viewer_pk = info.context.viewer.pk
        if viewer_pk != self.owner_id and viewer_pk not in {row.user_id for row in rows}:
            return []
        owner = AlbumMember(user=self.owner, role=AlbumRole.OWNER, added_at=self.created_at)
        return [owner] + [
            AlbumMember(user=row.user, role=AlbumRole(row.role), added_at=row.added_at)
            for row in rows
        ]

    @strawberry_django.field(
        select_related=["cover"],
        annotate={"cover_visible": lambda info: album_cover_visible(info.context.viewer)},
        prefetch_related=[
            lambda info: Prefetch(
                "entries",
                queryset=first_visible_entries(info.context.viewer),
                to_attr="first_visible",
            )
        ],
        description="The explicit cover, else the first photo the viewer may see.",
    )
    def cover(self) -> Annotated["Photo", strawberry.lazy("schema.media.types")] | None:
        if self.cover_id and self.cover_visible:
            return self.cover
        return self.first_visible[0].photo if self.first_visible else None


AlbumPayload = Annotated[Album | OperationInfo, strawberry.union("AlbumPayload")]
