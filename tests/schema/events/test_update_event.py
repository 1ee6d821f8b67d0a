"""updateEvent: a partial update; the span checked as it will be; the cover one of the
event's photos; only the owner."""

from datetime import UTC, datetime

import pytest

from media_graph.models import Event
from tests.schema.events.events import event_row, taken
from tests.support.client import codes
from tests.support.factories import gid

pytestmark = pytest.mark.django_db

UPDATE = """
mutation Update($input: UpdateEventInput!) {
  updateEvent(input: $input) {
    __typename
    ... on Event { id title description visibility start end cover { id } }
    ... on OperationInfo { messages { code field } }
  }
}
"""

MARCH = (datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 31, tzinfo=UTC))


def update(gql, event, **fields) -> dict:
    return gql.mutate("updateEvent", UPDATE, {"input": {"id": gid("Event", event.pk), **fields}})


@pytest.fixture
def event(alice):
    return event_row(alice, *MARCH)


def test_only_the_given_fields_change(gql, login, alice, event):
    login(alice)
    answer = update(gql, event, description="Rain", visibility="PUBLIC")
    assert (answer["title"], answer["description"], answer["visibility"]) == (
        "Trip",
        "Rain",
        "PUBLIC",
    )
    event.refresh_from_db()
    assert (event.start, event.end) == MARCH


def test_the_span_is_checked_against_the_stored_other_end(gql, login, alice, event):
    login(alice)
    assert codes(update(gql, event, end="2025-02-28T00:00:00Z")) == [("end", "invalid")]
    assert codes(update(gql, event, start="2024-03-29T23:59:59Z")) == [("end", "invalid")]
    event.refresh_from_db()
    assert (event.start, event.end) == MARCH
    assert update(gql, event, start="2025-03-31T00:00:00Z")["start"] == "2025-03-31T00:00:00+00:00"


def test_the_cover_must_be_one_of_its_photos(gql, login, alice, bob, event):
    inside = taken(alice, datetime(2025, 3, 10, tzinfo=UTC))
    outside = taken(alice, datetime(2025, 4, 10, tzinfo=UTC))
    bobs = taken(bob, datetime(2025, 3, 10, tzinfo=UTC))
    bobs_draft = taken(bob, datetime(2025, 3, 10, tzinfo=UTC), published=False)
    login(alice)
    pick = gid("Photo", outside.pk)
    assert codes(update(gql, event, coverPhotoId=pick)) == [("coverPhotoId", "invalid")]
    pick = gid("Photo", bobs.pk)  # one alice sees, but not hers
    assert codes(update(gql, event, coverPhotoId=pick)) == [("coverPhotoId", "invalid")]
    pick = gid("Photo", bobs_draft.pk)
    assert codes(update(gql, event, coverPhotoId=pick)) == [("coverPhotoId", "not_found")]
    assert codes(update(gql, event, coverPhotoId="nonsense")) == [("coverPhotoId", "not_found")]
    assert update(gql, event, coverPhotoId=gid("Photo", inside.pk))["cover"] == {
        "id": gid("Photo", inside.pk)
    }
    # A span moved along with the cover: the cover is checked against the new span.
    answer = update(gql, event, end="2025-04-30T00:00:00Z", coverPhotoId=gid("Photo", outside.pk))
    assert answer["cover"] == {"id": gid("Photo", outside.pk)}


def test_others_cannot_change_it(gql, login, alice, bob, event):
    login(bob)
    assert codes(update(gql, event, title="Mine")) == [("id", "not_found")]  # PRIVATE
    Event.objects.filter(pk=event.pk).update(visibility="PUBLIC")
    assert codes(update(gql, event, title="Mine")) == [(None, "permission_denied")]
    event.refresh_from_db()
    assert event.title == "Trip"


def test_a_malformed_id_or_date_is_a_code(gql, login, alice, event):
    login(alice)
    assert codes(gql.mutate("updateEvent", UPDATE, {"input": {"id": "x"}})) == [("id", "not_found")]
    response = gql.execute(UPDATE, {"input": {"id": gid("Event", event.pk), "end": "soon"}})
    assert response.error_codes == ["BAD_USER_INPUT"]
