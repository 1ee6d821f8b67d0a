"""schedulePhoto: SCHEDULED and the owner's alone until publishAt, then published for
every query at once; the status and the counters follow when the periodic task runs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from media_graph.counters import recount
from media_graph.models import Photo, Tag
from media_graph.services.photos import photos_publish_due
from project.celery import app
from tests.schema.media.photos import mutate_node
from tests.support.client import codes
from tests.support.factories import gid, make_photo

pytestmark = pytest.mark.django_db

SCHEDULE = """
mutation($input: SchedulePhotoInput!) {
  schedulePhoto(input: $input) {
    __typename
    ... on Photo { id status publishedAt owner { photosCount } tags { name photosCount } }
    ... on OperationInfo { messages { code field message } }
  }
}"""
TAG_PHOTOS = 'tag(name: "harbour") { photos { edges { node { caption } } } }'
# The same photos without the tag (whose photosCount would count it): `counted=False`.
TAGGED_PHOTOS = 'tagged: photos(filters: {tags: ["harbour"]}) { edges { node { caption } } }'
SEEN = """
query($id: ID!) {
  photo(id: $id) { status }
  photos { edges { node { caption status } } }
  tag(name: "harbour") { photos { edges { node { caption } } } }
}"""


def schedule(gql, photo, publish_at) -> dict:
    at = publish_at if isinstance(publish_at, str) else publish_at.isoformat()
    variables = {"input": {"id": gid("Photo", photo.pk), "publishAt": at}}
    return gql.execute(SCHEDULE, variables).data["schedulePhoto"]


def in_an_hour() -> datetime:
    return (timezone.now() + timedelta(hours=1)).replace(microsecond=0)


def time_passes(photo) -> None:
    """The scheduled moment is now a second ago (the database's clock decides)."""
    Photo.objects.filter(pk=photo.pk).update(published_at=timezone.now() - timedelta(seconds=1))


def seen(gql, photo, *, counted: bool = True) -> dict:
    """What the viewer sees; `counted=False` without the tag (whose count it reads)."""
    document = SEEN if counted else SEEN.replace(TAG_PHOTOS, TAGGED_PHOTOS)
    data = gql.execute(document, {"id": gid("Photo", photo.pk)}).data
    if not counted:
        data["tag"] = {"photos": data.pop("tagged")}
    return {
        "photo": data["photo"],
        "photos": [edge["node"]["caption"] for edge in data["photos"]["edges"]],
        "tagged": [edge["node"]["caption"] for edge in data["tag"]["photos"]["edges"]]
        if data["tag"]
        else [],
    }


@pytest.fixture
def draft(alice):
    return make_photo(alice, "#harbour at dawn", publish=False)


def test_a_scheduled_photo_is_its_owners_alone_until_its_time(gql, login, alice, bob, draft):
    login(alice)
    at = in_an_hour()
    answer = schedule(gql, draft, at)
    assert answer["status"] == "SCHEDULED"
    assert datetime.fromisoformat(answer["publishedAt"]) == at
    assert answer["owner"]["photosCount"] == 0
    assert answer["tags"] == [{"name": "harbour", "photosCount": 0}]
    assert seen(gql, draft)["photo"] == {"status": "SCHEDULED"}

    login(bob)
    assert seen(gql, draft) == {"photo": None, "photos": [], "tagged": []}
    gql.token = None
    assert seen(gql, draft) == {"photo": None, "photos": [], "tagged": []}


def test_at_its_time_everyone_sees_it_published_and_the_task_counts_it(
    gql, login, alice, bob, draft
):
    """With nothing but the task to count it (no query that reads a counter ran)."""
    login(alice)
    at = schedule(gql, draft, in_an_hour())["publishedAt"]
    time_passes(draft)
    login(bob)
    assert seen(gql, draft, counted=False) == {
        "photo": {"status": "PUBLISHED"},
        "photos": ["#harbour at dawn"],
        "tagged": ["#harbour at dawn"],
    }
    like = gql.execute(
        "mutation($id: ID!) { likePhoto(input: {photoId: $id}) { __typename } }",
        {"id": gid("Photo", draft.pk)},
    ).data
    assert like == {"likePhoto": {"__typename": "Photo"}}
    assert recount(fix=False) == []  # not counted yet, and recount knows it

    assert photos_publish_due() == 1
    draft.refresh_from_db()
    alice.refresh_from_db()
    assert draft.status == "PUBLISHED" and draft.published_at != at
    assert alice.photos_count == 1
    assert Tag.objects.get(name="harbour").photos_count == 1
    assert recount(fix=False) == []
    assert photos_publish_due() == 0


def test_the_published_time_is_the_scheduled_one(alice, draft):
    moment = timezone.now() - timedelta(minutes=5)
    Photo.objects.filter(pk=draft.pk).update(status="SCHEDULED", published_at=moment)
    photos_publish_due()
    draft.refresh_from_db()
    assert draft.published_at == moment


def test_the_publish_scheduled_command_and_recount_publish_due_photos(alice, draft, capsys):
    Photo.objects.filter(pk=draft.pk).update(
        status="SCHEDULED", published_at=timezone.now() - timedelta(seconds=1)
    )
    call_command("publish_scheduled")
    assert "1 scheduled photo(s) published" in capsys.readouterr().out
    other = make_photo(alice, "#harbour later", publish=False)
    Photo.objects.filter(pk=other.pk).update(
        status="SCHEDULED", published_at=timezone.now() - timedelta(seconds=1)
    )
    call_command("recount")
    assert "1 scheduled photo(s) published" in capsys.readouterr().out
    alice.refresh_from_db()
    assert alice.photos_count == 2


def test_beat_runs_the_task_every_30_seconds(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["publish-due-photos"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 30.0


def test_unpublishing_cancels_the_schedule(gql, login, alice, draft):
    login(alice)
    schedule(gql, draft, in_an_hour())
    photo = mutate_node(gql, "unpublishPhoto", gid("Photo", draft.pk))
    assert photo["status"] == "DRAFT" and photo["publishedAt"] is None
    time_passes_for_nothing = Photo.objects.due().count()
    assert time_passes_for_nothing == 0
    assert photos_publish_due() == 0


def test_publishing_now_drops_the_schedule_and_counts(gql, login, alice, draft):
    login(alice)
    schedule(gql, draft, in_an_hour())
    photo = mutate_node(gql, "publishPhoto", gid("Photo", draft.pk))
    assert photo["status"] == "PUBLISHED"
    assert datetime.fromisoformat(photo["publishedAt"]) < timezone.now()
    assert photo["owner"]["photosCount"] == 1
    assert recount(fix=False) == []


def test_deleting_a_scheduled_photo(gql, login, alice, draft):
    login(alice)
    schedule(gql, draft, in_an_hour())
    assert mutate_node(gql, "deletePhoto", gid("Photo", draft.pk))["__typename"] == "DeletedNode"
    assert photos_publish_due() == 0
    assert recount(fix=False) == []


def test_rescheduling_and_a_caption_change_move_no_counter(gql, login, alice, draft):
    login(alice)
    schedule(gql, draft, in_an_hour())
    later = in_an_hour() + timedelta(days=2)
    assert datetime.fromisoformat(schedule(gql, draft, later)["publishedAt"]) == later
    changed = gql.execute(
        'mutation($id: ID!) { updatePhoto(input: {id: $id, caption: "#sea"}) { __typename } }',
        {"id": gid("Photo", draft.pk)},
    ).data
    assert changed == {"updatePhoto": {"__typename": "Photo"}}
    assert recount(fix=False) == []
    time_passes(draft)
    photos_publish_due()
    assert Tag.objects.get(name="sea").photos_count == 1
    assert recount(fix=False) == []


def test_status_filters_see_the_clock(gql, login, alice, draft):
    later = make_photo(alice, "#harbour later", publish=False)
    login(alice)
    schedule(gql, draft, in_an_hour())
    schedule(gql, later, in_an_hour())
    time_passes(draft)
    query = (
        "query($s: PhotoStatus) { photos(filters: {status: $s}) { edges { node { caption } } } }"
    )
    found = {
        status: [
            e["node"]["caption"] for e in gql.execute(query, {"s": status}).data["photos"]["edges"]
        ]
        for status in ("SCHEDULED", "PUBLISHED", "DRAFT")
    }
    assert found == {
        "SCHEDULED": ["#harbour later"],
        "PUBLISHED": ["#harbour at dawn"],
        "DRAFT": [],
    }


@pytest.mark.parametrize(
    ("publish_at", "field"),
    [
        (lambda: timezone.now() - timedelta(seconds=1), "publishAt"),
        (lambda: timezone.now() + timedelta(days=366), "publishAt"),
    ],
)
def test_a_moment_in_the_past_or_too_far_ahead_is_invalid(
    gql, login, alice, draft, publish_at, field
):
    login(alice)
    assert codes(schedule(gql, draft, publish_at())) == [(field, "invalid")]
    draft.refresh_from_db()
    assert draft.status == "DRAFT"


@pytest.mark.parametrize("publish_at", ["tomorrow", "2030-01-01T00:00:00", "", 5])
def test_a_malformed_moment_is_bad_user_input(gql, login, alice, draft, publish_at):
    login(alice)
    variables = {"input": {"id": gid("Photo", draft.pk), "publishAt": publish_at}}
    assert gql.execute(SCHEDULE, variables).error_codes == ["BAD_USER_INPUT"]


def test_a_published_photo_is_invalid_on_id(gql, login, alice):
    photo = make_photo(alice, "out already")
    login(alice)
    assert codes(schedule(gql, photo, in_an_hour())) == [("id", "invalid")]


def test_someone_elses_photos(gql, login, alice, bob, draft):
    published = make_photo(alice, "alice's")
    login(bob)
    assert codes(schedule(gql, draft, in_an_hour())) == [("id", "not_found")]
    assert codes(schedule(gql, published, in_an_hour())) == [(None, "permission_denied")]


def test_anonymous_is_unauthenticated(gql, draft):
    assert codes(schedule(gql, draft, in_an_hour())) == [(None, "unauthenticated")]


def test_a_far_future_offset_is_compared_in_utc(gql, login, alice, draft):
    login(alice)
    at = in_an_hour().astimezone(UTC).replace(tzinfo=None)
    local = at.isoformat() + "+14:00"  # 14 hours earlier in UTC: in the past
    assert codes(schedule(gql, draft, local)) == [("publishAt", "invalid")]


COUNTS = """
query {
  user(username: "alice") { photosCount }
  tag(name: "harbour") { photosCount }
  tags(search: "harb") { edges { node { name photosCount } } }
}"""


@pytest.mark.parametrize("viewer", ["anonymous", "bob", "alice"])
def test_counts_agree_with_what_is_visible_as_soon_as_it_is_without_a_worker(
    gql, login, alice, bob, draft, viewer
):
    login(alice)
    schedule(gql, draft, in_an_hour())
    before = gql.execute(COUNTS).data
    assert before["user"] == {"photosCount": 0}
    time_passes(draft)
    gql.token = None
    if viewer != "anonymous":
        login(alice if viewer == "alice" else bob)
    counts = gql.execute(COUNTS).data  # no beat, no publish_scheduled: the read applies it
    assert counts == {
        "user": {"photosCount": 1},
        "tag": {"photosCount": 1},
        "tags": {"edges": [{"node": {"name": "harbour", "photosCount": 1}}]},
    }
    assert seen(gql, draft)["photo"] == {"status": "PUBLISHED"}
    assert recount(fix=False) == [] and photos_publish_due() == 0
