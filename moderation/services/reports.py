"""Reporting content: a Photo, Comment, Album or User that the reporter can see.

The subject is looked up through its model's `visible_to(reporter)` (the one
visibility layer), so what the reporter cannot see is `not_found`, as if it did not
exist. The report keeps a snapshot of the subject as it was (its text, its media's
storage key, its author), so an edit or a delete afterwards changes nothing of what
moderators read. One open report per reporter and subject (`duplicate`, also under a
race: a partial unique constraint). Reports are rated per reporter
(project/rates.py REPORTS), after they are found valid.
"""

from django.db import IntegrityError, models, transaction

from media_graph.models import Album, Comment, Photo
from moderation.models import Report, SubjectKind
from project import rates
from project.codes import PayloadCode
from project.errors import field_error
from users.models import User

# Each kind's rows and how the reporter's view of them is read.
SUBJECT_ROWS = {
    SubjectKind.PHOTO: lambda: Photo.objects.select_related("owner"),
    SubjectKind.COMMENT: lambda: Comment.objects.select_related("author"),
    SubjectKind.ALBUM: lambda: Album.objects.select_related("owner"),
    SubjectKind.USER: lambda: User.objects.all(),
}


def find_subject(*, viewer: User, kind: str, subject_id: int) -> models.Model:
    """The subject as `viewer` may see it; `not_found` (on subjectId) otherwise."""
    rows = SUBJECT_ROWS.get(kind)
    found = rows().visible_to(viewer).filter(pk=subject_id).first() if rows else None
    if found is None:
        raise field_error("subject_id", "Nothing to report under this ID.", PayloadCode.NOT_FOUND)
    return found


def snapshot(kind: str, subject: models.Model) -> dict:
    """What the subject is now, for the report's snapshot columns."""
    if kind == SubjectKind.PHOTO:
        text = subject.caption
        if subject.alt_text:
            text = f"{text}\n\n[alt text] {subject.alt_text}".lstrip()
        author, key = subject.owner, subject.original.name
    elif kind == SubjectKind.COMMENT:
        text, author, key = subject.text, subject.author, ""
    elif kind == SubjectKind.ALBUM:
        text = "\n\n".join(part for part in (subject.title, subject.description) if part)
        author, key = subject.owner, ""
    else:
        text = "\n\n".join(part for part in (subject.display_name, subject.bio) if part)
        author, key = subject, ""
    return {
        "snapshot_text": text,
        "snapshot_media_key": key,
        "snapshot_author": author,
        "snapshot_author_username": author.username,
    }


def report_create(
    *, reporter: User, kind: str, subject_id: int, reason: str, details: str = ""
) -> Report:
    subject = find_subject(viewer=reporter, kind=kind, subject_id=subject_id)
    taken = snapshot(kind, subject)
    if taken["snapshot_author"].pk == reporter.pk:
        raise field_error("subject_id", "You cannot report yourself or what is your own.")
    report = Report(
        reporter=reporter,
        subject_kind=kind,
        subject_id=subject.pk,
        reason=reason,
        details=details.strip(),
        **taken,
    )
    # The one-open-report rule is checked below, with its own code.
    report.full_clean(
        exclude=["reporter", "snapshot_author", "resolved_by"], validate_constraints=False
    )
    if _open_report_exists(reporter, kind, subject.pk):
        raise _duplicate()
    with rates.spend(rates.REPORTS, reporter.pk):
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            # A second request of the same reporter and subject won the race.
            if _open_report_exists(reporter, kind, subject.pk):
                raise _duplicate() from None
            # Its author's account went meanwhile, and the subject with it.
            raise field_error(
                "subject_id", "This no longer exists.", PayloadCode.NOT_FOUND
            ) from None
    return report


def _open_report_exists(reporter: User, kind: str, pk: int) -> bool:
    return Report.objects.open().about(kind, pk).filter(reporter=reporter).exists()


def _duplicate():
    return field_error(
        "subject_id",
        "You reported this already; moderators have not decided on it yet.",
        PayloadCode.DUPLICATE,
    )
