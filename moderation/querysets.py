"""Who may see which report, and the moderators' queue."""

from django.db import models


class ReportQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "ReportQuerySet":
        """A report is its reporter's alone (moderators read them in the admin)."""
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        return self.filter(reporter=viewer)

    def open(self) -> "ReportQuerySet":
        return self.filter(status="OPEN")

    def about(self, kind: str, pk: int) -> "ReportQuerySet":
        return self.filter(subject_kind=kind, subject_id=pk)

    def queue(self) -> "ReportQuerySet":
        """Open reports grouped by subject: the subject reported longest ago first, each
        subject's reports together, oldest first; each row knows how many its subject has."""
        same_subject = self.model.objects.open().filter(
            subject_kind=models.OuterRef("subject_kind"), subject_id=models.OuterRef("subject_id")
        )
        first = same_subject.order_by("created_at").values("created_at")[:1]
        count = (
            same_subject.order_by()
            .values("subject_kind")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return (
            self.open()
            .annotate(
                subject_first_reported=models.Subquery(first),
                subject_reports=models.Subquery(count[:1]),
            )
            .order_by("subject_first_reported", "subject_kind", "subject_id", "created_at", "pk")
        )
