import base64
import binascii
from datetime import UTC, datetime

import strawberry
import strawberry_django
from strawberry import relay

from media_graph import models
from schema.context import Info
from schema.engine.optimizer import optimized
from schema.errors import BadUserInput
from schema.media.types import Photo
from schema.nodes import MAX_PK
from schema.pagination import DEFAULT_PAGE_SIZE, Connection, check_page_arguments

CURSOR_PREFIX = "feed:"


def feed_cursor(photo: models.Photo) -> str:
    key = f"{CURSOR_PREFIX}{photo.published_at.isoformat()}|{photo.pk}"
    return base64.b64encode(key.encode()).decode()


def parse_feed_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        key = base64.b64decode(cursor.encode(), validate=True).decode()
        published_at, _, pk = key.removeprefix(CURSOR_PREFIX).partition("|")
        if not key.startswith(CURSOR_PREFIX):
            raise ValueError(key)
        key_time, key_pk = datetime.fromisoformat(published_at), int(pk)
        if key_time.tzinfo is None or not 0 < key_pk <= MAX_PK:
            raise ValueError(key)
        return key_time.astimezone(UTC), key_pk
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise BadUserInput("'after' is not a cursor this API gave out.") from None


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
        check_page_arguments(first=first, last=None)
        first = DEFAULT_PAGE_SIZE if first is None else first
        everything = Photo.get_queryset(models.Photo.objects.feed_for(viewer), info)
        page = everything
        if after is not None:
            page = page.before_key(*parse_feed_cursor(after))
        rows = list(optimized(page, info)[: first + 1])
        edges = [relay.Edge(node=photo, cursor=feed_cursor(photo)) for photo in rows[:first]]
        return Connection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(rows) > first,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            nodes=everything,
        )
