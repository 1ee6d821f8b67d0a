"""The moderators' queue of reports, their actions, and the log of what they did.

Moderators are superusers and staff in the "moderators" group (services/actions.py
`is_moderator`); other staff get 403 here, whatever their model permissions. The
report list opens on the queue: open reports grouped by subject, the subject reported
longest ago first. Each action applies to the subjects of the selected reports, once
per subject, through the services, which log it and move the reports' status.
"""

from collections import defaultdict

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from moderation.models import ModerationAction, Report, SubjectKind
from moderation.services import actions
from users.models import User


class ModeratorsOnly:
    """Seen and used by moderators alone; nothing is added, edited or deleted by hand."""

    def has_module_permission(self, request) -> bool:
        return actions.is_moderator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return actions.is_moderator(request.user)

    def has_moderate_permission(self, request) -> bool:
        return actions.is_moderator(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class StatusFilter(admin.SimpleListFilter):
    """Open reports (the queue, grouped by subject) unless another status is chosen."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("ACTIONED", "Actioned"), ("DISMISSED", "Dismissed"), ("all", "All")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Open (the queue)",
        }
        for value, title in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.queue()
        if value != "all":
            queryset = queryset.filter(status=value)
        return queryset.order_by("-created_at", "-pk")


def _subjects(queryset) -> dict[tuple[str, int], list[Report]]:
    """The selected reports by subject, in the order of each subject's oldest report."""
    grouped: dict[tuple[str, int], list[Report]] = defaultdict(list)
    for report in queryset.order_by("created_at", "pk"):
        grouped[(report.subject_kind, report.subject_id)].append(report)
    return grouped


@admin.register(Report)
class ReportAdmin(ModeratorsOnly, admin.ModelAdmin):
    list_display = (
        "created_at",
        "subject",
        "reports_on_subject",
        "reason",
        "details",
        "snapshot",
        "snapshot_author_username",
        "reporter",
        "status",
    )
    list_filter = (StatusFilter, "reason", "subject_kind")
    list_select_related = ("reporter",)
    sortable_by = ()  # the queue's order is the point
    search_fields = ("snapshot_author_username", "snapshot_text", "details")
    readonly_fields = fields = (
        "subject_kind",
        "subject_id",
        "reason",
        "details",
        "status",
        "reporter",
        "created_at",
        "snapshot_author",
        "snapshot_author_username",
        "snapshot_text",
        "snapshot_media_key",
        "resolved_at",
        "resolved_by",
    )
    actions = ("hide_content", "suspend_author", "dismiss", "unhide_content", "restore_author")

    @admin.display(description="subject")
    def subject(self, report: Report) -> str:
        return f"{report.get_subject_kind_display().lower()} {report.subject_id}"

    @admin.display(description="open reports on it")
    def reports_on_subject(self, report: Report) -> int | None:
        return getattr(report, "subject_reports", None)

    @admin.display(description="as reported")
    def snapshot(self, report: Report) -> str:
        text = report.snapshot_text
        return text if len(text) <= 80 else f"{text[:79]}…"

    def _each(self, request, items, act, done: str) -> None:
        """Call `act(item)` for each; count what it did, say what it refused."""
        count = 0
        for label, item in items:
            try:
                if act(item) is not None:
                    count += 1
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{label}: {text}", messages.WARNING)
        self.message_user(request, f"{count} {done}.", messages.SUCCESS)

    def _on_subjects(self, request, queryset, service, done: str) -> None:
        subjects = [(f"{kind.lower()} {pk}", (kind, pk)) for kind, pk in _subjects(queryset)]
        self._each(
            request,
            subjects,
            lambda subject: service(
                moderator=request.user, subject_kind=subject[0], subject_id=subject[1]
            ),
            done,
        )

    @admin.action(
        description="Hide the photo or comment (its author still sees it)",
        permissions=["moderate"],
    )
    def hide_content(self, request, queryset) -> None:
        self._on_subjects(request, queryset, actions.content_hide, "subject(s) hidden")

    @admin.action(description="Show the photo or comment again", permissions=["moderate"])
    def unhide_content(self, request, queryset) -> None:
        self._on_subjects(request, queryset, actions.content_unhide, "subject(s) shown again")

    @admin.action(description="Dismiss: nothing to do", permissions=["moderate"])
    def dismiss(self, request, queryset) -> None:
        reports = [
            (f"{kind.lower()} {pk}", group[0]) for (kind, pk), group in _subjects(queryset).items()
        ]
        self._each(
            request,
            reports,
            lambda report: actions.report_dismiss(moderator=request.user, report=report),
            "subject(s) dismissed",
        )

    def _authors(self, request, queryset) -> list[tuple[str, tuple[User, list[Report]]]]:
        by_author: dict[int, list[Report]] = defaultdict(list)
        for report in queryset.order_by("created_at", "pk"):
            if report.snapshot_author_id is None:
                self.message_user(
                    request,
                    f"{report.snapshot_author_username}: the account no longer exists.",
                    messages.WARNING,
                )
            else:
                by_author[report.snapshot_author_id].append(report)
        users = User.objects.in_bulk(list(by_author))
        return [(users[pk].username, (users[pk], reports)) for pk, reports in by_author.items()]

    @admin.action(description="Suspend the author's account (reversible)", permissions=["moderate"])
    def suspend_author(self, request, queryset) -> None:
        self._each(
            request,
            self._authors(request, queryset),
            lambda item: actions.account_suspend(
                moderator=request.user, user=item[0], reports=item[1]
            ),
            "account(s) suspended",
        )

    @admin.action(description="Restore the author's suspended account", permissions=["moderate"])
    def restore_author(self, request, queryset) -> None:
        self._each(
            request,
            self._authors(request, queryset),
            lambda item: actions.account_unsuspend(moderator=request.user, user=item[0]),
            "account(s) restored",
        )


@admin.register(ModerationAction)
class ModerationActionAdmin(ModeratorsOnly, admin.ModelAdmin):
    list_display = ("created_at", "moderator_username", "kind", "subject", "reports_resolved")
    list_filter = ("kind", "subject_kind")
    search_fields = ("moderator_username",)
    ordering = ("-created_at", "-pk")
    readonly_fields = fields = (
        "created_at",
        "moderator",
        "moderator_username",
        "kind",
        "subject_kind",
        "subject_id",
        "reports_resolved",
    )

    @admin.display(description="subject")
    def subject(self, action: ModerationAction) -> str:
        return f"{SubjectKind(action.subject_kind).label.lower()} {action.subject_id}"
