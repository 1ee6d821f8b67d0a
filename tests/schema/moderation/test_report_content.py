"""reportContent: a Photo, Comment, Album or User the reporter can see, with a snapshot
that outlives the subject; one open report per reporter and subject; rated; its Report
node is its reporter's alone. Every refusal is a code and leaves no row."""

import pytest

from media_graph.models import Photo
from media_graph.services.comments import comment_add, comment_delete
from media_graph.services.photos import photo_delete
from moderation.models import DETAILS_MAX_LENGTH, Report
from moderation.services import reports
from moderation.services.actions import report_dismiss
from moderation.services.reports import report_create
from tests.support.client import codes
from tests.support.factories import gid, make_album, make_photo
from users.models import User
from users.services.access_tokens import access_token_create
from users.services.accounts import user_set_active

pytestmark = pytest.mark.django_db

REPORT = """
mutation($subjectId: ID!, $reason: ReportReason!, $details: String) {
  reportContent(input: {subjectId: $subjectId, reason: $reason, details: $details}) {
    __typename
    ... on Report { id reason details status createdAt }
    ... on OperationInfo { messages { code field message } }
  }
}"""

NODE = """query($id: ID!) { node(id: $id) { __typename ... on Report { reason status } } }"""


def report(client, subject_id: str, reason: str = "SPAM", details: str | None = "") -> dict:
    variables = {"subjectId": subject_id, "reason": reason, "details": details}
    return client.mutate("reportContent", REPORT, variables)


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("mod", is_staff=True, is_superuser=True)


@pytest.fixture
def subjects(bob, carol):
    """One subject of each kind, all bob's, all visible to everyone."""
    photo = make_photo(bob, "Sunset over #sea")
    photo.alt_text = "A red sky"
    photo.save(update_fields=["alt_text"])
    comment = comment_add(photo=make_photo(carol), author=bob, text="Buy followers here")
    album = make_album(bob, "Holiday", visibility="PUBLIC", description="Best of June")
    return {"Photo": photo, "Comment": comment, "Album": album, "User": bob}


@pytest.mark.parametrize(
    ("kind", "text", "key"),
    [
        ("Photo", "Sunset over #sea\n\n[alt text] A red sky", True),
        ("Comment", "Buy followers here", False),
        ("Album", "Holiday\n\nBest of June", False),
        ("User", "Bob", False),
    ],
)
def test_each_kind_of_subject_is_reported_with_its_snapshot(
    client_of, alice, bob, subjects, kind, text, key
):
    subject = subjects[kind]
    payload = report(client_of(alice), gid(kind, subject.pk), "HARASSMENT", "  Not nice.  ")
    row = Report.objects.get()
    assert payload == {
        "__typename": "Report",
        "id": gid("Report", row.pk),
        "reason": "HARASSMENT",
        "details": "Not nice.",
        "status": "OPEN",
        "createdAt": payload["createdAt"],
    }
    assert (row.reporter, row.subject_kind, row.subject_id) == (alice, kind.upper(), subject.pk)
    assert (row.snapshot_text, row.snapshot_author, row.snapshot_author_username) == (
        text,
        bob,
        "bob",
    )
    assert row.snapshot_media_key == (subject.original.name if key else "")


def test_the_snapshot_stays_when_the_subject_is_edited_then_deleted(
    client_of, alice, bob, subjects
):
    photo, comment = subjects["Photo"], subjects["Comment"]
    key = photo.original.name
    report(client_of(alice), gid("Photo", photo.pk))
    report(client_of(alice), gid("Comment", comment.pk))
    Photo.objects.filter(pk=photo.pk).update(caption="Nothing to see")
    photo_delete(photo=photo, actor=bob)
    comment_delete(comment=comment, actor=bob)
    photo_report, comment_report = Report.objects.order_by("pk")
    assert photo_report.snapshot_text.startswith("Sunset over #sea")
    assert photo_report.snapshot_media_key == key
    assert comment_report.snapshot_text == "Buy followers here"
    assert {r.snapshot_author_username for r in (photo_report, comment_report)} == {"bob"}
    # Even the author's account going leaves what moderators need to read.
    User.objects.filter(pk=bob.pk).delete()
    photo_report.refresh_from_db()
    assert photo_report.snapshot_author is None
    assert photo_report.snapshot_author_username == "bob"
    assert photo_report.snapshot_media_key == key


def test_one_open_report_per_reporter_and_subject(client_of, alice, carol, moderator, subjects):
    photo_id = gid("Photo", subjects["Photo"].pk)
    assert report(client_of(alice), photo_id)["__typename"] == "Report"
    again = report(client_of(alice), photo_id, "NUDITY")
    assert codes(again) == [("subjectId", "duplicate")]
    assert Report.objects.count() == 1
    # Someone else may report it too; and once decided, alice may report it again.
    assert report(client_of(carol), photo_id)["__typename"] == "Report"
    report_dismiss(moderator=moderator, report=Report.objects.first())
    assert report(client_of(alice), photo_id)["__typename"] == "Report"
    assert Report.objects.filter(status="OPEN").count() == 1


def test_what_the_reporter_cannot_see_is_not_found(client_of, alice, bob, carol):
    draft = make_photo(bob, publish=False)
    private = make_album(bob, "Mine")
    inactive_photo = make_photo(carol)
    user_set_active(user=carol, active=False)
    alice_client = client_of(alice)
    for subject_id in (
        gid("Photo", draft.pk),
        gid("Album", private.pk),
        gid("User", carol.pk),
        gid("Photo", inactive_photo.pk),
    ):
        assert codes(report(alice_client, subject_id)) == [("subjectId", "not_found")], subject_id
    assert not Report.objects.exists()


def test_ones_own_content_is_not_reported(client_of, bob, subjects):
    for kind in ("Photo", "Comment", "Album", "User"):
        payload = report(client_of(bob), gid(kind, subjects[kind].pk))
        assert codes(payload) == [("subjectId", "invalid")], kind
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "subject_id",
    [
        gid("Photo", 987654),  # names nothing
        gid("Tag", 1),  # a node, but not a kind that is reported
        gid("Report", 1),
        gid("Notification", 1),
        gid("Photo", "x1"),
        gid("Photo", 2**63),
        "not an id",
        "",
    ],
)
def test_unknown_ids_and_other_node_types_are_not_found(client_of, alice, subjects, subject_id):
    assert codes(report(client_of(alice), subject_id)) == [("subjectId", "not_found")]
    assert not Report.objects.exists()


def test_details_are_bounded_and_null_details_are_none(client_of, alice, subjects):
    photo_id = gid("Photo", subjects["Photo"].pk)
    too_long = report(client_of(alice), photo_id, details="x" * (DETAILS_MAX_LENGTH + 1))
    assert codes(too_long) == [("details", "invalid")]
    assert not Report.objects.exists()
    assert report(client_of(alice), photo_id, details=None)["details"] == ""
    full = report(client_of(alice), gid("User", subjects["User"].pk), details="y" * 1000)
    assert full["details"] == "y" * DETAILS_MAX_LENGTH


def test_a_bad_reason_is_a_client_error_never_a_500(client_of, alice, subjects):
    client = client_of(alice)
    photo_id = gid("Photo", subjects["Photo"].pk)
    response = client.execute(REPORT, {"subjectId": photo_id, "reason": "BORING"})
    assert response.status == 200 and response.error_codes == ["BAD_USER_INPUT"]
    literal = 'mutation($id: ID!) { reportContent(input: {subjectId: $id, reason: "SPAM"}) {'
    literal += " __typename } }"
    response = client.execute(literal, {"id": photo_id})
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    response = client.execute(REPORT, {"subjectId": photo_id})  # no reason at all
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert not Report.objects.exists()


def test_anonymous_viewers_cannot_report(gql, subjects):
    payload = report(gql, gid("Photo", subjects["Photo"].pk))
    assert codes(payload) == [(None, "unauthenticated")]
    assert not Report.objects.exists()


def test_reports_past_the_rate_are_refused_and_write_nothing(client_of, alice, subjects, settings):
    settings.RATE_REPORTS_PER_HOUR = 2
    client = client_of(alice)
    assert report(client, gid("Photo", subjects["Photo"].pk))["__typename"] == "Report"
    # A refusal for another reason costs nothing.
    assert codes(report(client, gid("Photo", subjects["Photo"].pk)))[0][1] == "duplicate"
    assert report(client, gid("Album", subjects["Album"].pk))["__typename"] == "Report"
    refused = report(client, gid("User", subjects["User"].pk))
    assert codes(refused) == [(None, "rate_limited")]
    assert "sent too many reports" in refused["messages"][0]["message"]
    assert Report.objects.count() == 2


def test_a_report_is_its_reporters_alone(gql, client_of, alice, carol, moderator, subjects):
    report_id = report(client_of(alice), gid("Photo", subjects["Photo"].pk))["id"]
    mine = client_of(alice).execute(NODE, {"id": report_id}).data
    assert mine == {"node": {"__typename": "Report", "reason": "SPAM", "status": "OPEN"}}
    for client in (client_of(carol), client_of(subjects["User"]), client_of(moderator), gql):
        assert client.execute(NODE, {"id": report_id}, headers=client.headers()).data == {
            "node": None
        }
    report_dismiss(moderator=moderator, report=Report.objects.get())
    assert client_of(alice).execute(NODE, {"id": report_id}).data["node"]["status"] == "DISMISSED"


def test_an_access_token_reports_with_the_social_scope_only(gql, alice, subjects):
    photo_id = gid("Photo", subjects["Photo"].pk)
    for scopes, answer in ((["READ", "PUBLISH"], "permission_denied"), (["SOCIAL"], "Report")):
        token, _ = access_token_create(user=alice, name="ci", scopes=scopes, expires_in_days=None)
        variables = {"subjectId": photo_id, "reason": "SPAM"}
        payload = gql.execute(REPORT, variables, headers={"Authorization": f"Bearer {token}"})
        payload = payload.data["reportContent"]
        if answer == "Report":
            assert (payload["__typename"], payload["status"]) == ("Report", "OPEN")
        else:
            assert codes(payload) == [(None, answer)]
    assert Report.objects.get().reporter == alice


def test_two_reports_at_once_make_one_and_the_second_is_duplicate(
    client_of, alice, subjects, monkeypatch, settings
):
    """The second request passed the check before the first wrote: the unique index
    refuses it, it answers `duplicate`, and its unit of the rate is given back."""
    settings.RATE_REPORTS_PER_HOUR = 2
    photo = subjects["Photo"]
    report_create(reporter=alice, kind="PHOTO", subject_id=photo.pk, reason="SPAM")
    checked = reports._open_report_exists
    calls = []

    def racing(*args) -> bool:
        calls.append(args)
        return False if len(calls) == 1 else checked(*args)  # the first check ran too early

    monkeypatch.setattr(reports, "_open_report_exists", racing)
    payload = report(client_of(alice), gid("Photo", photo.pk))
    assert codes(payload) == [("subjectId", "duplicate")]
    assert Report.objects.count() == 1
    monkeypatch.setattr(reports, "_open_report_exists", checked)
    assert report(client_of(alice), gid("Album", subjects["Album"].pk))["__typename"] == "Report"
