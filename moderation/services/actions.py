"""What moderators do: hide or show again a photo or comment, dismiss reports, suspend
or restore an account. The admin's actions call these and nothing else.

Each checks that its actor is a moderator (an active staff account that is a
superuser or in the "moderators" group, made by moderation's first migration), logs a
ModerationAction naming who did it, and, in the same transaction, moves the subject's
open reports to ACTIONED (hide, suspend) or DISMISSED (dismiss). Undoing (unhide,
unsuspend) is logged too and leaves the reports as they were decided.

Suspending reuses the admin's "deactivate" (users.services.accounts.user_set_active):
the account cannot sign in, its tokens stop working, and it and everything of it
vanish from every query (each visible_to); restoring it brings them back.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from media_graph.models import Comment, Photo
from media_graph.services.hiding import comment_set_hidden, photo_set_hidden
from moderation.models import MODERATORS_GROUP, ModerationAction, Report, SubjectKind
from project.codes import PayloadCode
from project.errors import field_error
from users.models import User
from users.services.accounts import user_set_active

Kind = ModerationAction.Kind
HIDEABLE = {SubjectKind.PHOTO: Photo, SubjectKind.COMMENT: Comment}


def is_moderator(user) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists()


def _check_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only moderators (staff in the moderators group) may do this.")


def _log(moderator: User, kind: str, subject_kind: str, subject_id: int) -> ModerationAction:
    return ModerationAction.objects.create(
        moderator=moderator,
        moderator_username=moderator.username,
        kind=kind,
        subject_kind=subject_kind,
        subject_id=subject_id,
    )


def _resolve(action: ModerationAction, status: str, subjects: set[tuple[str, int]]) -> int:
    """Every open report of these subjects gets `status`, resolved by `action`."""
    resolved = 0
    for subject_kind, subject_id in subjects:
        resolved += (
            Report.objects.open()
            .about(subject_kind, subject_id)
            .update(status=status, resolved_at=timezone.now(), resolved_by=action)
        )
    if resolved:
        action.reports_resolved = resolved
        action.save(update_fields=["reports_resolved"])
    return resolved


def _hideable(subject_kind: str, subject_id: int):
    model = HIDEABLE.get(subject_kind)
    if model is None:
        raise field_error(
            "subject_kind",
            "Only photos and comments can be hidden; suspend the account instead.",
        )
    # A comment's photo names the owner whose account the hiding holds.
    rows = Comment.objects.select_related("photo") if model is Comment else Photo.objects
    found = rows.filter(pk=subject_id).first()
    if found is None:
        raise field_error("subject_id", "It no longer exists.", PayloadCode.NOT_FOUND)
    return found


def _set_hidden(subject_kind: str, subject, hidden: bool) -> bool:
    if subject_kind == SubjectKind.PHOTO:
        return photo_set_hidden(photo=subject, hidden=hidden)
    return comment_set_hidden(comment=subject, hidden=hidden)


def content_hide(*, moderator: User, subject_kind: str, subject_id: int) -> ModerationAction:
    """Hide a photo or comment (its author still sees it, marked); its open reports
    become ACTIONED. Hiding what is hidden already still resolves its reports."""
    _check_moderator(moderator)
    subject = _hideable(subject_kind, subject_id)
    with transaction.atomic():
        _set_hidden(subject_kind, subject, True)
        action = _log(moderator, Kind.HIDE, subject_kind, subject_id)
        _resolve(action, Report.Status.ACTIONED, {(subject_kind, subject_id)})
    return action


def content_unhide(*, moderator: User, subject_kind: str, subject_id: int) -> ModerationAction:
    """Show a hidden photo or comment again, to everyone who may see it."""
    _check_moderator(moderator)
    subject = _hideable(subject_kind, subject_id)
    with transaction.atomic():
        _set_hidden(subject_kind, subject, False)
        return _log(moderator, Kind.UNHIDE, subject_kind, subject_id)


def report_dismiss(*, moderator: User, report: Report) -> ModerationAction | None:
    """Nothing to do about this report's subject: its open reports become DISMISSED.
    None when none is open any more (another moderator decided first)."""
    _check_moderator(moderator)
    subject = (report.subject_kind, report.subject_id)
    with transaction.atomic():
        if not Report.objects.open().about(*subject).exists():
            return None
        action = _log(moderator, Kind.DISMISS, *subject)
        _resolve(action, Report.Status.DISMISSED, {subject})
    return action


def account_suspend(
    *, moderator: User, user: User, reports: Iterable[Report] = ()
) -> ModerationAction:
    """Suspend an account (reversibly: `account_unsuspend`). The open reports of the
    account, and of the subjects of `reports` (photos of the account's, say), become
    ACTIONED. Staff accounts are managed on the users page, not suspended here."""
    _check_moderator(moderator)
    if user.is_staff or user.is_superuser:
        raise field_error("user", "Staff accounts are not suspended here.", PayloadCode.INVALID)
    subjects = {(SubjectKind.USER, user.pk)}
    subjects.update((report.subject_kind, report.subject_id) for report in reports)
    with transaction.atomic():
        user_set_active(user=user, active=False)
        action = _log(moderator, Kind.SUSPEND, SubjectKind.USER, user.pk)
        _resolve(action, Report.Status.ACTIONED, subjects)
    return action


def account_unsuspend(*, moderator: User, user: User) -> ModerationAction:
    """Restore a suspended account: it signs in again and everything of it is back."""
    _check_moderator(moderator)
    with transaction.atomic():
        user_set_active(user=user, active=True)
        return _log(moderator, Kind.UNSUSPEND, SubjectKind.USER, user.pk)
