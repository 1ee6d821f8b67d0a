from collections.abc import Iterable

import strawberry
import strawberry_django

from media_graph import models
from schema.core.connections import Connection
from schema.core.context import Info
from schema.engine.optimizer import optimized
from schema.media.types import Photo


@strawberry.type
class Query:
    @strawberry_django.field(
        description=(
            "Published photos of the people the viewer follows and the viewer's own, newest "
            "first. A keyset cursor on (publishedAt, id): new uploads never shift a page. "
            "UNAUTHENTICATED error when anonymous."
        )
    )
    def feed(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Photo]:
        viewer = info.context.viewer_or_graphql_error()
        everything = Photo.get_queryset(models.Photo.objects.feed_for(viewer), info)
        return Connection.resolve_connection(
            optimized(everything, info), info=info, first=first, after=after
        )

    @strawberry_django.connection(
        Connection[Photo],
        description=(
            "The photos the viewer favorited and may still see, newest favorite first. "
            "UNAUTHENTICATED error when anonymous."
        ),
    )
    def favorites(self, info: Info) -> Iterable[models.Photo]:
        viewer = info.context.viewer_or_graphql_error()
        return models.Photo.objects.filter(favorites__user=viewer).order_by(
            "-favorites__created_at", "-favorites__id"
        )
