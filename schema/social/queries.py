import strawberry
import strawberry_django

from media_graph import models
from schema.context import Info
from schema.engine.optimizer import optimized
from schema.media.types import Photo
from schema.pagination import Connection


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
