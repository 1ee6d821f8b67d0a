"""The outbox in one process, with the in-memory channel layer: an event exists exactly
when its change committed, is published once after commit (again only if it was not),
expires, and a subscription's stream delivers each id once and cuts off a slow reader."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections, transaction
from django.utils import timezone

from live import outbox
from live.models import OutboxEvent
from live.streams import SlowConsumer, topic_events
from media_graph.services.likes import photo_like
from tests.support.factories import make_photo

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = IN_MEMORY


async def _listen(topic: str):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(outbox.group_name(topic), channel)
    return layer, channel


async def _received(layer, channel, wait: float = 0.3) -> list[dict]:
    got = []
    while True:
        try:
            got.append(await asyncio.wait_for(layer.receive(channel), wait))
        except TimeoutError:
            return got


class Refused(Exception):
    pass


def _like_then_fail(photo, user) -> None:
    with transaction.atomic():
        photo_like(photo=photo, user=user)
        raise Refused


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_event_and_a_committed_one_is_published_once(alice, bob):
    photo = make_photo(alice)
    topic = outbox.photo_topic(photo.pk)
    before = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    async def scenario():
        layer, channel = await _listen(topic)
        with pytest.raises(Refused):
            await sync_to_async(_like_then_fail)(photo, bob)
        assert await _received(layer, channel) == []
        assert not await OutboxEvent.objects.filter(pk__gt=before).aexists()
        await sync_to_async(photo_like)(photo=photo, user=bob)
        messages = await _received(layer, channel)
        await sync_to_async(connections.close_all)()
        return messages

    messages = asyncio.run(scenario())
    event = OutboxEvent.objects.get(topic=topic, pk__gt=before)
    assert messages == [
        {"type": "live.event", "topic": topic, "id": event.pk, "object_id": photo.pk}
    ]
    assert event.published_at is not None
    # The recipient's notification is an event of its own topic.
    assert OutboxEvent.objects.filter(topic=outbox.notification_topic(alice.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_republish_sends_what_a_crash_left_and_only_that(alice):
    old = timezone.now() - timedelta(minutes=1)
    left = OutboxEvent.objects.create(topic="photo.1", object_id=1)
    sent = OutboxEvent.objects.create(topic="photo.1", object_id=1, published_at=old)
    fresh = OutboxEvent.objects.create(topic="photo.1", object_id=1)  # its own publish is due
    OutboxEvent.objects.filter(pk__in=[left.pk, sent.pk]).update(created_at=old)

    async def scenario():
        layer, channel = await _listen("photo.1")
        count = await sync_to_async(outbox.republish)()
        await sync_to_async(connections.close_all)()
        return count, await _received(layer, channel)

    count, messages = asyncio.run(scenario())
    assert count == 1 and [m["id"] for m in messages] == [left.pk]
    assert outbox.republish() == 0
    fresh.refresh_from_db()
    assert fresh.published_at is None


@pytest.mark.django_db
def test_rows_expire_after_the_retention(settings):
    settings.LIVE_EVENT_RETENTION_SECONDS = 3600
    kept = OutboxEvent.objects.create(topic="photo.1", object_id=1)
    gone = OutboxEvent.objects.create(topic="photo.1", object_id=2)
    OutboxEvent.objects.filter(pk=gone.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert outbox.expire() == 1
    assert list(OutboxEvent.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_replayed_and_republished_ids_are_delivered_once_in_order():
    rows = [OutboxEvent.objects.create(topic="comments.7", object_id=n) for n in (10, 11, 12)]

    async def scenario():
        layer = get_channel_layer()
        stream = topic_events("comments.7", replay_after=10, recheck=5)
        got = await anext(stream)  # replayed: 11, 12, in one batch
        for row in [rows[2], rows[1]]:  # a republish of both, late
            await layer.group_send("live.comments.7", outbox.message(row))
        late = {"type": "live.event", "topic": "comments.7", "id": 99, "object_id": 13}
        await layer.group_send("live.comments.7", late)
        got += await asyncio.wait_for(anext(stream), 2)
        await stream.aclose()
        await sync_to_async(connections.close_all)()
        return got

    got = asyncio.run(scenario())
    assert [(e.id, e.object_id) for e in got] == [(rows[1].pk, 11), (rows[2].pk, 12), (99, 13)]


def test_a_reader_that_falls_behind_is_cut_off(settings):
    settings.LIVE_QUEUE_SIZE = 3

    async def scenario():
        layer = get_channel_layer()
        stream = topic_events("photo.5", recheck=5)
        first = asyncio.ensure_future(anext(stream))  # joins the group, then waits
        await asyncio.sleep(0.05)
        for n in range(1, 10):
            message = {"type": "live.event", "topic": "photo.5", "id": n, "object_id": 5}
            await layer.group_send("live.photo.5", message)
        got = [event.id for event in await first]
        with pytest.raises(SlowConsumer):
            while True:
                got += [event.id for event in await anext(stream)]
        return got

    # What came before the buffer filled is delivered; then the stream is cut off.
    assert asyncio.run(scenario()) == [1, 2, 3, 4]


def test_beat_republishes_often_and_expires_hourly(settings):
    from project.celery import app

    republish = settings.CELERY_BEAT_SCHEDULE["republish-live-events"]
    expire = settings.CELERY_BEAT_SCHEDULE["expire-live-events"]
    assert republish["task"] in app.tasks and republish["schedule"] <= 60
    assert expire["task"] in app.tasks and expire["schedule"] == 3600.0
    assert settings.LIVE_EVENT_RETENTION_SECONDS == 7 * 24 * 3600  # the default


def test_a_subscription_sent_as_a_plain_request_is_told_where_to_go(gql):
    response = gql.http.post(
        "/graphql/",
        data={"query": 'subscription { commentAdded(photoId: "x") { text } }'},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "text/event-stream" in error["message"]


@pytest.mark.django_db
def test_a_layer_that_is_down_leaves_the_write_and_its_row_for_republish(
    settings, alice, bob, django_capture_on_commit_callbacks, caplog
):
    from tests.support.ports import free_port

    nobody = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [nobody]},
        }
    }
    photo = make_photo(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert photo_like(photo=photo, user=bob)
    event = OutboxEvent.objects.filter(topic=outbox.photo_topic(photo.pk)).latest("pk")
    assert event.published_at is None  # republish sends it once the layer is back
    assert "republish will retry" in caplog.text


def test_subscription_slots_are_shared_by_every_process_and_freed_when_ended(settings):
    from live.transports.slots import Slots

    settings.MAX_SUBSCRIPTIONS_PER_VIEWER = 3
    one, other = Slots(), Slots()  # two realtime processes on one counting store
    taken = [one.take("user:7"), one.take("user:7"), other.take("user:7")]
    assert None not in taken and len(set(taken)) == 3
    assert other.take("user:7") is None and one.take("user:7") is None
    assert one.take("user:8") is not None  # another viewer counts apart
    one.give_back(taken[0])
    assert other.take("user:7") == taken[0]  # the one free
    one.renew()  # leases held are renewed, none taken
    assert other.take("user:7") is None


@pytest.mark.django_db
def test_hiding_a_photo_or_a_comment_is_an_event_of_the_photo(alice, bob):
    # photoUpdated hears it at once: it completes for those the photo no longer shows
    # to, and a hidden comment moves its photo's commentsCount.
    from media_graph.services.comments import comment_add
    from media_graph.services.hiding import comment_set_hidden, photo_set_hidden

    photo = make_photo(alice)
    comment = comment_add(photo=photo, author=bob, text="hi")
    topic = outbox.photo_topic(photo.pk)

    def events() -> int:
        return OutboxEvent.objects.filter(topic=topic).count()

    before = events()
    assert comment_set_hidden(comment=comment, hidden=True)
    assert photo_set_hidden(photo=photo, hidden=True)
    assert events() == before + 2
    assert not photo_set_hidden(photo=photo, hidden=True)  # nothing changed: no event
    assert events() == before + 2
