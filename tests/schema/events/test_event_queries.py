"""User.events and Event's photos, as each viewer sees them: spans crossing months,
years and time zones, takenAt else createdAt, oldest first, pages, visibility."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from media_graph.models import Event, Photo
from media_graph.services.blocks import user_block
from tests.schema.events.events import event_row, node_ids, taken
from tests.support.factories import gid, photo_row

pytestmark = pytest.mark.django_db

MINUS_2 = timezone(timedelta(hours=-2))
PLUS_9 = timezone(timedelta(hours=9))
# 2025-01-01T01:00Z to 2025-01-31T23:00Z, written as the client's local times.
START = datetime(2024, 12, 31, 23, 0, tzinfo=MINUS_2)
END = datetime(2025, 2, 1, 8, 0, tzinfo=PLUS_9)

EVENTS = """
query($username: String!, $first: Int, $after: String) {
  user(username: $username) { events { totalCount edges { node {
    id title photosCount cover { id }
    photos(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { id } }
    }
  } } } }
}
"""

NODE = """
query($id: ID!) {
  node(id: $id) { id ... on Event { title photosCount photos { edges { node { id } } } } }
}
"""


@pytest.fixture
def span(alice, bob):
    """Alice's photos around the span (her draft in it), bob's in it, and the event."""
    photos = {
        "before, in UTC": taken(alice, datetime(2025, 1, 1, 0, 59, 59, tzinfo=UTC)),
        "at the start": taken(alice, datetime(2025, 1, 1, 1, 0, tzinfo=UTC)),
        "new year's eve at -02:00": taken(alice, datetime(2024, 12, 31, 23, 30, tzinfo=MINUS_2)),
        "mid january": taken(alice, datetime(2025, 1, 15, tzinfo=UTC)),
        "at the end": taken(alice, datetime(2025, 1, 31, 23, 0, tzinfo=UTC)),
        "after": taken(alice, datetime(2025, 1, 31, 23, 0, 1, tzinfo=UTC)),
        "february at +09:00": taken(alice, datetime(2025, 2, 1, 8, 0, 1, tzinfo=PLUS_9)),
        "draft": taken(alice, datetime(2025, 1, 10, tzinfo=UTC), published=False),
        "bob's": taken(bob, datetime(2025, 1, 10, tzinfo=UTC)),
    }
    # No takenAt: its upload's moment counts; a takenAt outside wins over a createdAt in.
    made = photo_row(alice)
    Photo.objects.filter(pk=made.pk).update(created_at=datetime(2025, 1, 20, tzinfo=UTC))
    photos["made in january"] = made
    old = taken(alice, datetime(2024, 6, 1, tzinfo=UTC))
    Photo.objects.filter(pk=old.pk).update(created_at=datetime(2025, 1, 20, tzinfo=UTC))
    photos["taken in june, made in january"] = old
    event = event_row(alice, START, END, visibility="PUBLIC")
    return event, {name: gid("Photo", p.pk) for name, p in photos.items()}


def events_of(gql, username="alice", **variables):
    user = gql.execute(EVENTS, {"username": username, **variables}).data["user"]
    return [] if user is None else [edge["node"] for edge in user["events"]["edges"]]


def test_the_owner_sees_every_photo_of_the_span_oldest_first(gql, login, alice, span):
    _event, ids = span
    login(alice)
    [answer] = events_of(gql)
    expected = [
        ids["at the start"],
        ids["new year's eve at -02:00"],
        ids["draft"],
        ids["mid january"],
        ids["made in january"],
        ids["at the end"],
    ]
    assert node_ids(answer["photos"]) == expected
    assert answer["photosCount"] == answer["photos"]["totalCount"] == 6
    assert answer["cover"] == {"id": ids["at the start"]}


def test_others_see_the_published_ones_of_a_public_event(gql, login, alice, bob, span):
    event, ids = span
    login(bob)
    [answer] = events_of(gql)
    assert ids["draft"] not in node_ids(answer["photos"])
    assert answer["photosCount"] == answer["photos"]["totalCount"] == 5
    # The owner's draft as the explicit cover: others get the first photo they may see.
    draft_pk = Photo.objects.get(status="DRAFT", owner=alice).pk
    Event.objects.filter(pk=event.pk).update(cover_id=draft_pk)
    assert events_of(gql)[0]["cover"] == {"id": ids["at the start"]}
    login(alice)
    assert events_of(gql)[0]["cover"] == {"id": ids["draft"]}


def test_pages_walk_the_span_with_cursors(gql, login, alice, span):
    _event, _ids = span
    login(alice)
    seen, after, pages = [], None, 0
    while True:
        [answer] = events_of(gql, first=2, after=after)
        page = answer["photos"]
        assert page["totalCount"] == 6 or after is not None
        seen += node_ids(page)
        pages += 1
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3 and len(seen) == 6 and len(set(seen)) == 6


def test_a_private_event_is_invisible_to_others(gql, login, alice, bob, span):
    event, _ids = span
    Event.objects.filter(pk=event.pk).update(visibility="PRIVATE")
    login(bob)
    assert events_of(gql) == []
    assert gql.execute(NODE, {"id": gid("Event", event.pk)}).data["node"] is None
    login(alice)
    assert gql.execute(NODE, {"id": gid("Event", event.pk)}).data["node"]["photosCount"] == 6


def test_a_public_event_follows_the_owner_blocks_and_private_account(
    gql, login, alice, bob, make_user, span
):
    event, _ids = span
    carol = make_user("carol")
    login(carol)
    assert len(events_of(gql)) == 1
    user_block(blocker=alice, blocked=carol)
    assert events_of(gql) == []
    assert gql.execute(NODE, {"id": gid("Event", event.pk)}).data["node"] is None
    type(alice).objects.filter(pk=alice.pk).update(is_private=True)
    login(bob)  # not a follower
    assert events_of(gql) == []
    assert gql.execute(NODE, {"id": gid("Event", event.pk)}).data["node"] is None


def test_events_are_newest_first_and_anonymous_viewers_see_public_ones(gql, alice):
    jan = event_row(alice, START, END, visibility="PUBLIC", title="January")
    event_row(
        alice, datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 2, tzinfo=UTC), title="Hidden"
    )
    june = event_row(
        alice,
        datetime(2025, 5, 1, tzinfo=UTC),
        datetime(2025, 6, 2, tzinfo=UTC),
        visibility="PUBLIC",
        title="May",
    )
    assert [e["id"] for e in events_of(gql)] == [gid("Event", june.pk), gid("Event", jan.pk)]


def test_an_event_of_one_instant_holds_the_photos_of_that_instant(gql, login, alice):
    moment = datetime(2025, 7, 14, 12, 0, tzinfo=UTC)
    photo = taken(alice, moment)
    taken(alice, moment + timedelta(microseconds=1))
    event_row(alice, moment, moment)
    login(alice)
    [answer] = events_of(gql)
    assert node_ids(answer["photos"]) == [gid("Photo", photo.pk)]


PAGE = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) { ... on Event { photos(first: $first, after: $after) { edges { node { id } } } } }
}
"""


@pytest.mark.parametrize(
    "variables", [{"first": 101}, {"first": -1}, {"after": "forged"}, {"after": ""}]
)
def test_a_bad_page_is_a_bad_user_input(gql, login, alice, span, variables):
    event, _ = span
    login(alice)
    response = gql.execute(PAGE, {"id": gid("Event", event.pk), **variables})
    assert set(response.error_codes) == {"BAD_USER_INPUT"}
    # Under a list of events too (the pages are cut in one prefetch there).
    response = gql.execute(EVENTS, {"username": "alice", **variables})
    assert set(response.error_codes) <= {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}
