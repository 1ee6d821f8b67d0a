"""The moderators' queue at /admin/moderation/report/, through the admin's own HTTP views:
open reports grouped by subject, oldest first; hide, dismiss, suspend and their undoing
go through the services, are logged with who did it, and move the reports' status.
Staff outside the "moderators" group are refused (403) and change nothing."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from media_graph.models import Comment, Photo
from media_graph.services.comments import comment_add
from moderation.models import MODERATORS_GROUP, ModerationAction, Report
from moderation.services.reports import report_create
from tests.moderation.test_admin import assert_counters_true, post_form
from tests.support.accounts import PASSWORD, TOKEN_AUTH
from tests.support.client import GraphQLClient
from tests.support.factories import gid, make_album, make_photo
from users.models import User

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/report/"


@pytest.fixture
def carol(make_user) -> User:
    return make_user("carol")


@pytest.fixture
def moderator(make_user) -> User:
    """Staff in the moderators group (made by moderation's first migration), no more."""
    user = make_user("mod", is_staff=True)
    # get_or_create: a transactional test that ran earlier in this process (xdist puts
    # files in any order) flushed the tables, the migration's group with them.
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    user.groups.add(group)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reported(reporter, subject, *, minutes_ago: int = 0, reason: str = "SPAM") -> Report:
    kind = type(subject).__name__.upper()
    made = report_create(reporter=reporter, kind=kind, subject_id=subject.pk, reason=reason)
    Report.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return made


def act(client: Client, action: str, *reports: Report, status: str | None = None):
    url = QUEUE if status is None else f"{QUEUE}?status={status}"
    data = {"action": action, "_selected_action": [r.pk for r in reports]}
    response = post_form(client, url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def messages_of(client: Client) -> list[str]:
    return [str(m) for m in client.get(QUEUE).context["messages"]]


def test_the_queue_is_open_reports_grouped_by_subject_oldest_first(alice, bob, carol, moderator):
    photo, album = make_photo(bob), make_album(bob, visibility="PUBLIC")
    comment = comment_add(photo=make_photo(carol), author=bob, text="spam")
    first = reported(alice, photo, minutes_ago=50)
    on_comment = reported(alice, comment, minutes_ago=40)
    on_user = reported(carol, bob, minutes_ago=30)
    second = reported(carol, photo, minutes_ago=20)
    decided = reported(alice, album, minutes_ago=60)
    Report.objects.filter(pk=decided.pk).update(status="DISMISSED")

    response = signed_in(moderator).get(QUEUE)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [r.pk for r in rows] == [first.pk, second.pk, on_comment.pk, on_user.pk]
    assert [r.subject_reports for r in rows] == [2, 2, 1, 1]
    page = response.content.decode()
    assert "Open (the queue)" in page and "open reports on it" in page.lower()
    everything = signed_in(moderator).get(f"{QUEUE}?status=all").context["cl"].result_list
    assert len(everything) == 5
    # Every page of it renders.
    for url in (f"{QUEUE}{first.pk}/change/", "/admin/moderation/moderationaction/", "/admin/"):
        assert signed_in(moderator).get(url).status_code == 200, url


def test_plain_staff_are_refused_and_change_nothing(make_user, alice, bob):
    staff = make_user("staff", is_staff=True)
    # Even with every model permission on reports: moderating is the group's.
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="moderation"))
    assert User.objects.get(pk=staff.pk).has_perm("moderation.change_report")
    report = reported(alice, make_photo(bob))
    client = signed_in(staff)
    assert client.get(QUEUE).status_code == 403
    assert client.get(f"{QUEUE}{report.pk}/change/").status_code == 403
    assert client.get("/admin/moderation/moderationaction/").status_code == 403
    response = client.post(QUEUE, {"action": "hide_content", "_selected_action": [report.pk]})
    assert response.status_code == 403
    assert "moderation" not in client.get("/admin/").content.decode().lower()
    assert Report.objects.get().status == "OPEN"
    assert Photo.objects.get().hidden_at is None
    assert not ModerationAction.objects.exists()


def test_hiding_a_photo_and_a_comment_actions_their_reports_and_logs_it(
    alice, bob, carol, moderator
):
    photo = make_photo(bob, "rude")
    comment = comment_add(photo=make_photo(carol), author=bob, text="spam")
    photo_reports = [reported(alice, photo), reported(carol, photo)]
    comment_report = reported(alice, comment)
    client = signed_in(moderator)
    act(client, "hide_content", photo_reports[0], comment_report)
    assert Photo.objects.get(pk=photo.pk).hidden_at is not None
    assert Comment.objects.get(pk=comment.pk).hidden_at is not None
    # Both of the photo's reports follow, though one was selected.
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {"ACTIONED"}
    logged = ModerationAction.objects.order_by("pk")
    assert [(a.kind, a.subject_kind, a.moderator_username) for a in logged] == [
        ("HIDE", "PHOTO", "mod"),
        ("HIDE", "COMMENT", "mod"),
    ]
    assert logged[0].reports_resolved == 2
    assert Report.objects.get(pk=comment_report.pk).resolved_by == logged[1]
    assert not client.get(QUEUE).context["cl"].result_list  # the queue is empty
    anonymous = GraphQLClient().execute(
        "query($id: ID!) { photo(id: $id) { caption } }", {"id": gid("Photo", photo.pk)}
    )
    assert anonymous.data == {"photo": None}
    # Undone from the decided reports: shown again, logged, the reports stay decided.
    act(client, "unhide_content", photo_reports[0], status="ACTIONED")
    assert Photo.objects.get(pk=photo.pk).hidden_at is None
    assert ModerationAction.objects.latest("pk").kind == "UNHIDE"
    assert Report.objects.get(pk=photo_reports[0].pk).status == "ACTIONED"
    assert_counters_true()


def test_dismissing_closes_every_open_report_of_the_subject(alice, bob, carol, moderator):
    photo = make_photo(bob)
    reports = [reported(alice, photo), reported(carol, photo)]
    client = signed_in(moderator)
    act(client, "dismiss", reports[1])
    assert set(Report.objects.values_list("status", flat=True)) == {"DISMISSED"}
    action = ModerationAction.objects.get()
    assert (action.kind, action.moderator, action.reports_resolved) == ("DISMISS", moderator, 2)
    assert Photo.objects.get().hidden_at is None
    # Dismissing again finds nothing open: nothing more is logged.
    act(client, "dismiss", reports[0], status="DISMISSED")
    assert ModerationAction.objects.count() == 1


def test_suspending_the_author_ends_sign_in_and_hides_everything_reversibly(alice, bob, moderator):
    photo = make_photo(bob, "bob's")
    on_photo, on_account = reported(alice, photo), reported(alice, bob, reason="HARASSMENT")
    client = signed_in(moderator)
    act(client, "suspend_author", on_photo)
    bob.refresh_from_db()
    assert not bob.is_active
    assert set(Report.objects.values_list("status", flat=True)) == {"ACTIONED"}
    action = ModerationAction.objects.get()
    assert (action.kind, action.subject_kind, action.subject_id) == ("SUSPEND", "USER", bob.pk)
    api = GraphQLClient()
    login = api.execute(TOKEN_AUTH, {"username": "bob", "password": PASSWORD}, headers={})
    assert login.error_codes == ["UNAUTHENTICATED"]
    gone = api.execute(
        'query($id: ID!) { photo(id: $id) { caption } user(username: "bob") { username } }',
        {"id": gid("Photo", photo.pk)},
        headers={},
    )
    assert gone.data == {"photo": None, "user": None}

    act(client, "restore_author", on_account, status="ACTIONED")
    bob.refresh_from_db()
    assert bob.is_active
    assert ModerationAction.objects.latest("pk").kind == "UNSUSPEND"
    back = api.execute(TOKEN_AUTH, {"username": "bob", "password": PASSWORD}, headers={})
    assert back.data["tokenAuth"]["token"]


def test_what_an_action_cannot_do_is_said_and_changes_nothing(alice, bob, moderator, make_user):
    album_report = reported(alice, make_album(bob, visibility="PUBLIC"))
    staff = make_user("other-staff", is_staff=True)
    staff_report = reported(alice, staff)
    client = signed_in(moderator)
    act(client, "hide_content", album_report)
    assert "Only photos and comments can be hidden" in " ".join(messages_of(client))
    act(client, "suspend_author", staff_report)
    assert "Staff accounts are not suspended here" in " ".join(messages_of(client))
    assert set(Report.objects.values_list("status", flat=True)) == {"OPEN"}
    assert not ModerationAction.objects.exists()
    staff.refresh_from_db()
    assert staff.is_active
    # A subject deleted since it was reported: said too, and the report stays open.
    photo = make_photo(bob)
    photo_report = reported(alice, photo)
    Photo.objects.filter(pk=photo.pk).delete()
    act(client, "hide_content", photo_report)
    assert "It no longer exists" in " ".join(messages_of(client))
    assert Report.objects.get(pk=photo_report.pk).status == "OPEN"


def test_the_first_migration_makes_the_moderators_group(db):
    # The fixture above cannot rely on the migration's row (a flush removes it), so the
    # migration's own step is checked here.
    Group.objects.filter(name=MODERATORS_GROUP).delete()
    migration = importlib.import_module("moderation.migrations.0001_initial")
    migration.make_moderators_group(apps, None)
    assert Group.objects.filter(name=MODERATORS_GROUP).exists()
