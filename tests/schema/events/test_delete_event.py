"""deleteEvent: the event goes, its photos stay; only the owner."""

from datetime import UTC, datetime

import pytest

from media_graph.models import Event, Photo
from tests.schema.events.events import event_row, taken
from tests.support.client import codes
from tests.support.factories import gid

pytestmark = pytest.mark.django_db

DELETE = """
mutation Delete($input: NodeInput!) {
  deleteEvent(input: $input) {
    __typename
    ... on DeletedNode { id }
    ... on OperationInfo { messages { code field } }
  }
}
"""


def test_the_photos_stay(gql, login, alice):
    photo = taken(alice, datetime(2025, 3, 2, tzinfo=UTC))
    event = event_row(alice, datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 3, tzinfo=UTC))
    login(alice)
    answer = gql.mutate("deleteEvent", DELETE, {"input": {"id": gid("Event", event.pk)}})
    assert answer == {"__typename": "DeletedNode", "id": gid("Event", event.pk)}
    assert not Event.objects.exists()
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_only_the_owner_deletes_it(gql, login, alice, bob):
    event = event_row(alice, datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 3, tzinfo=UTC))
    login(bob)
    answer = gql.mutate("deleteEvent", DELETE, {"input": {"id": gid("Event", event.pk)}})
    assert codes(answer) == [("id", "not_found")]
    Event.objects.filter(pk=event.pk).update(visibility="PUBLIC")
    answer = gql.mutate("deleteEvent", DELETE, {"input": {"id": gid("Event", event.pk)}})
    assert codes(answer) == [(None, "permission_denied")]
    assert Event.objects.filter(pk=event.pk).exists()
