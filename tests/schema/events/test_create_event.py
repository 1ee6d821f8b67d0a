"""createEvent: PRIVATE by default; the span is checked (end before start, over 366 days:
`invalid`), malformed dates are codes; a refused event leaves no row."""

import pytest

from media_graph.models import Event
from tests.support.client import codes
from tests.support.factories import gid

pytestmark = pytest.mark.django_db

CREATE = """
mutation Create($input: CreateEventInput!) {
  createEvent(input: $input) {
    __typename
    ... on Event { id title description visibility start end photosCount cover { id }
                   owner { username } photos { totalCount edges { node { id } } } }
    ... on OperationInfo { messages { code field } }
  }
}
"""


def create(gql, **fields) -> dict:
    fields.setdefault("title", "Lisbon")
    fields.setdefault("start", "2025-03-01T00:00:00Z")
    fields.setdefault("end", "2025-03-08T00:00:00Z")
    return gql.mutate("createEvent", CREATE, {"input": fields})


def test_an_event_is_private_by_default(gql, login, alice):
    login(alice)
    event = create(gql)
    row = Event.objects.get()
    assert event == {
        "__typename": "Event",
        "id": gid("Event", row.pk),
        "title": "Lisbon",
        "description": "",
        "visibility": "PRIVATE",
        "start": "2025-03-01T00:00:00+00:00",
        "end": "2025-03-08T00:00:00+00:00",
        "photosCount": 0,
        "cover": None,
        "owner": {"username": "alice"},
        "photos": {"totalCount": 0, "edges": []},
    }


def test_times_with_an_offset_are_stored_as_the_same_moment(gql, login, alice):
    login(alice)
    event = create(gql, start="2025-03-01T09:00:00+09:00", end="2025-03-01T18:00:00-05:00")
    assert (event["start"], event["end"]) == (
        "2025-03-01T00:00:00+00:00",
        "2025-03-01T23:00:00+00:00",
    )


@pytest.mark.parametrize(
    "start, end",
    [
        ("2025-03-08T00:00:00Z", "2025-03-01T00:00:00Z"),  # end before start
        ("2025-01-01T00:00:00Z", "2026-01-02T00:00:01Z"),  # 366 days and a second
        ("2025-03-01T12:00:00-01:00", "2025-03-01T12:59:59Z"),  # before, once in UTC
    ],
)
def test_a_bad_span_is_invalid_and_leaves_no_row(gql, login, alice, start, end):
    login(alice)
    assert codes(create(gql, start=start, end=end)) == [("end", "invalid")]
    assert not Event.objects.exists()


def test_a_span_of_exactly_366_days_and_of_one_instant_are_fine(gql, login, alice):
    login(alice)
    assert create(gql, start="2024-01-01T00:00:00Z", end="2025-01-01T00:00:00Z")["id"]
    assert create(gql, start="2024-01-01T00:00:00Z", end="2024-01-01T00:00:00Z")["id"]


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2025-02-30T00:00:00Z", "2025-03-01T00:00:00", "", "9999-12-31T23:59:59-23:59"],
)
def test_a_malformed_date_is_a_bad_user_input_not_a_500(gql, login, alice, value):
    login(alice)
    response = gql.execute(CREATE, {"input": {"title": "x", "start": value, "end": value}})
    assert response.status in (200, 400)
    assert set(response.error_codes) == {"BAD_USER_INPUT"}
    assert not Event.objects.exists()


def test_a_blank_or_too_long_title_is_invalid(gql, login, alice):
    login(alice)
    assert codes(create(gql, title="  ")) == [("title", "invalid")]
    assert codes(create(gql, title="x" * 201)) == [("title", "invalid")]
    assert codes(create(gql, description="x" * 2201)) == [("description", "invalid")]
    assert not Event.objects.exists()


def test_anonymous_viewers_cannot_create_events(gql):
    assert codes(create(gql)) == [(None, "unauthenticated")]
    assert not Event.objects.exists()
