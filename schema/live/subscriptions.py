"""Subscription: notifications, a photo's changes and a photo's new comments, live.

Each field checks what the viewer may subscribe to when it is called (so a refusal is
an error before any stream starts), then answers an async generator over
`live.streams.topic_events` that reads each event's row through the same visibility as
any query (`visible_to`) and yields it; the transport (live/transports/) executes the
rest of the selection per event. A TICK (no event for a while) re-reads what may have
changed silently: a photo the viewer may no longer see completes its subscription.
"""

import functools
from collections.abc import AsyncGenerator

import strawberry
from django.db.models import Prefetch
from strawberry import relay

from live import outbox
from live.streams import TICK, in_thread, topic_events
from media_graph import models
from schema.core import cursors
from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.nodes import parse_global_id
from schema.engine.keyset import order_of
from schema.media.types import Photo
from schema.social.notifications import Notification
from schema.social.types import Comment


@functools.cache
def _notification_order():
    # The order of `notifications`, so its cursors and these events' are one kind.
    return order_of(models.Notification.objects.newest_first())[1]


def _edge(row: models.Notification) -> relay.Edge[Notification]:
    cursor = cursors.encode(_notification_order(), [row.created_at, row.pk])
    return relay.Edge(node=row, cursor=cursor)


def _visible(model, viewer, pk: int):
    return model.objects.visible_to(viewer).filter(pk=pk).first()


def _visible_rows(model, viewer, events, related: tuple[str, ...] = (), prefetch=()) -> list:
    """The rows of `events` the viewer may see, in the events' order, a query per batch.

    Each event's row is executed on its own (the root of its answer), where the
    optimizer cannot batch: what its fields read is loaded here, for the whole batch.
    """
    rows = model.objects.visible_to(viewer).select_related(*related).prefetch_related(*prefetch)
    by_pk = {row.pk: row for row in rows.filter(pk__in=[e.object_id for e in events])}
    return [by_pk[e.object_id] for e in events if e.object_id in by_pk]


def _notification_rows(viewer, events) -> list[models.Notification]:
    # What a notification is about, through visibility: null once the viewer may not see it.
    about = [
        Prefetch(name, queryset=model.objects.visible_to(viewer))
        for name, model in (
            ("photo", models.Photo),
            ("comment", models.Comment),
            ("album", models.Album),
        )
    ]
    return _visible_rows(models.Notification, viewer, events, ("actor",), about)


def _visible_photo_pk(viewer, value: str, argument: str) -> int:
    pk = parse_global_id(value, "Photo")
    if pk is None or not models.Photo.objects.visible_to(viewer).filter(pk=pk).exists():
        raise BadUserInput(f"'{argument}' is not a photo you may see.")
    return pk


async def _notifications(viewer, since: int | None) -> AsyncGenerator[relay.Edge[Notification]]:
    topic = outbox.notification_topic(viewer.pk)
    async for batch in topic_events(topic, replay_after=since):
        if batch is TICK:
            continue
        # Those withdrawn (unliked, unfollowed) before they were read are left out.
        for row in await in_thread(_notification_rows, viewer, batch):
            yield _edge(row)


async def _photo_changes(viewer, pk: int) -> AsyncGenerator[models.Photo]:
    async for batch in topic_events(outbox.photo_topic(pk)):
        photo = await in_thread(_visible, models.Photo, viewer, pk)
        if photo is None:  # deleted, or no longer the viewer's to see
            return
        if batch is not TICK:
            yield photo  # its state now: one answer for the changes waiting


async def _new_comments(viewer, pk: int) -> AsyncGenerator[models.Comment]:
    async for batch in topic_events(outbox.comments_topic(pk)):
        if batch is TICK:
            if await in_thread(_visible, models.Photo, viewer, pk) is None:
                return
            continue
        for comment in await in_thread(_visible_rows, models.Comment, viewer, batch, ("author",)):
            yield comment


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "The viewer's notifications as they are created. `after`: a cursor from "
            "`notifications` or an earlier event: what came after it is replayed first, "
            "oldest first, then live, each once. UNAUTHENTICATED when anonymous."
        )
    )
    async def notification_added(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[relay.Edge[Notification], None]:
        viewer = info.context.viewer_or_graphql_error()
        since = None
        if after is not None:
            _, since = cursors.decode(after, _notification_order(), "after")
        return _notifications(viewer, since)

    @strawberry.subscription(
        description=(
            "A photo the viewer may see, each time it changes (processingStatus, status, "
            "caption, counters); completes when it is deleted or the viewer may no longer see it."
        )
    )
    async def photo_updated(self, info: Info, id: strawberry.ID) -> AsyncGenerator[Photo, None]:
        viewer = info.context.viewer
        pk = await in_thread(_visible_photo_pk, viewer, id, "id")
        return _photo_changes(viewer, pk)

    @strawberry.subscription(description="New comments on a photo the viewer may see.")
    async def comment_added(
        self, info: Info, photo_id: strawberry.ID
    ) -> AsyncGenerator[Comment, None]:
        viewer = info.context.viewer
        pk = await in_thread(_visible_photo_pk, viewer, photo_id, "photoId")
        return _new_comments(viewer, pk)
