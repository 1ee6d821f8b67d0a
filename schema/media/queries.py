from collections.abc import Iterable
from typing import Annotated

import strawberry
import strawberry_django

from media_graph import models
from media_graph.querysets import PhotoQuerySet
from media_graph.tags import normalize_tag
from schema.core.connections import Connection
from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.nodes import rows_with_id
from schema.library.places import checked_near
from schema.media.inputs import (
    MAX_FILTER_TAGS,
    MAX_SEARCH_CHARS,
    MAX_SEARCH_WORDS,
    Ordering,
    PhotoFilter,
    PhotoOrder,
)
from schema.media.types import Photo, Tag
from users.models import User


def _check_bounds(filters: PhotoFilter) -> None:
    if filters.tags is not None and len(filters.tags) > MAX_FILTER_TAGS:
        raise BadUserInput(f"'filters.tags' takes at most {MAX_FILTER_TAGS} tags.")
    if filters.search is not None:
        if len(filters.search) > MAX_SEARCH_CHARS:
            raise BadUserInput(f"'filters.search' takes at most {MAX_SEARCH_CHARS} characters.")
        if len(filters.search.split()) > MAX_SEARCH_WORDS:
            raise BadUserInput(f"'filters.search' takes at most {MAX_SEARCH_WORDS} words.")


def _filtered(photos: PhotoQuerySet, filters: PhotoFilter, viewer) -> PhotoQuerySet:
    _check_bounds(filters)
    if filters.owner:
        photos = photos.filter(owner__in=User.objects.named(filters.owner))
    if filters.status:
        photos = photos.with_status(filters.status.value)
    if filters.tags:
        photos = photos.with_all_tags([normalize_tag(name) for name in filters.tags])
    if filters.published_after:
        photos = photos.filter(published_at__gt=filters.published_after)
    if filters.published_before:
        photos = photos.filter(published_at__lt=filters.published_before)
    if filters.search:
        photos = photos.caption_has_words(filters.search)
    if filters.kind:
        photos = photos.filter(kind=filters.kind.value)
    if filters.taken_after:
        photos = photos.filter(taken_at__gt=filters.taken_after)
    if filters.taken_before:
        photos = photos.filter(taken_at__lt=filters.taken_before)
    if filters.near:
        near = checked_near(filters.near)
        photos = photos.near(
            viewer, latitude=near.latitude, longitude=near.longitude, radius_km=near.radius_km
        )
    return photos


@strawberry.type
class Query:
    @strawberry_django.field
    def photo(self, info: Info, id: strawberry.ID) -> Photo | None:
        return rows_with_id(models.Photo, id, "Photo")

    @strawberry_django.connection(
        Connection[Photo],
        description=(
            "Published photos (and the viewer's own drafts), newest published first; "
            "`order: {publishedAt: ASC}` for oldest first."
        ),
    )
    def photos(
        self,
        info: Info,
        filters: PhotoFilter | None = None,
        # Not `order` in Python: strawberry-django would take it for its own ordering.
        ordering: Annotated[PhotoOrder | None, strawberry.argument(name="order")] = None,
    ) -> Iterable[models.Photo]:
        photos = models.Photo.objects.all()
        if filters is not None:
            photos = _filtered(photos, filters, info.context.viewer)
        if ordering is not None and ordering.published_at == Ordering.ASC:
            return photos.oldest_first()
        return photos.newest_first()

    @strawberry_django.field
    def tag(self, name: str) -> Tag | None:
        return models.Tag.objects.filter(name=normalize_tag(name))

    @strawberry_django.connection(
        Connection[Tag],
        description=(
            "Most used first, then by name. A tag whose count changes between two pages "
            "moves, so it can show up again on the next page or not at all."
        ),
    )
    def tags(self, search: str | None = None) -> Iterable[models.Tag]:
        tags = models.Tag.objects.all()
        if search and normalize_tag(search):
            tags = tags.filter(name__startswith=normalize_tag(search))
        return tags.most_used_first()
