"""Reports and the log of what moderators did about them.

A report names its subject by kind and primary key, not by a foreign key: the subject
may be edited or deleted after it was reported, and the report keeps what it was (the
snapshot columns) and stays grouped with the other reports of the same subject.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from moderation.querysets import ReportQuerySet

DETAILS_MAX_LENGTH = 1000
MODERATORS_GROUP = "moderators"


class SubjectKind(models.TextChoices):
    PHOTO = "PHOTO"
    COMMENT = "COMMENT"
    ALBUM = "ALBUM"
    USER = "USER"


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "SPAM"
        NUDITY = "NUDITY"
        HARASSMENT = "HARASSMENT"
        VIOLENCE = "VIOLENCE"
        COPYRIGHT = "COPYRIGHT"
        OTHER = "OTHER"

    class Status(models.TextChoices):
        OPEN = "OPEN"
        ACTIONED = "ACTIONED"
        DISMISSED = "DISMISSED"

    # Kept when the reporter's account goes: moderators still need the report.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reports_made",
    )
    subject_kind = models.CharField(max_length=7, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    details = models.TextField(blank=True, validators=[MaxLengthValidator(DETAILS_MAX_LENGTH)])
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.OPEN)

    # What was reported, as it was then.
    snapshot_text = models.TextField(
        blank=True, help_text="A caption and alt text, a comment, an album's title, a profile."
    )
    snapshot_media_key = models.CharField(
        max_length=255, blank=True, help_text="A photo's original, under its storage key."
    )
    snapshot_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reports_against",
        help_text="Whose the subject is (a user's own account for a user).",
    )
    snapshot_author_username = models.CharField(max_length=150)

    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "ModerationAction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "subject_kind", "subject_id"],
                condition=models.Q(status="OPEN"),
                name="report_open_once_per_reporter",
            ),
        ]
        indexes = [
            # The queue: open reports, by subject.
            models.Index(
                fields=["subject_kind", "subject_id", "created_at"],
                condition=models.Q(status="OPEN"),
                name="report_open_by_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} of {self.subject_kind.lower()} {self.subject_id}"


class ModerationAction(models.Model):
    """One thing a moderator did, and to what; never edited, never deleted with its actor."""

    class Kind(models.TextChoices):
        HIDE = "HIDE"
        UNHIDE = "UNHIDE"
        DISMISS = "DISMISS"
        SUSPEND = "SUSPEND"
        UNSUSPEND = "UNSUSPEND"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moderator_username = models.CharField(max_length=150)
    kind = models.CharField(max_length=9, choices=Kind.choices)
    subject_kind = models.CharField(max_length=7, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField()
    reports_resolved = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["-created_at"], name="moderation_action_recent")]

    def __str__(self) -> str:
        subject = f"{self.subject_kind.lower()} {self.subject_id}"
        return f"{self.kind} {subject} by {self.moderator_username}"
