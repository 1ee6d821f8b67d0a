"""reportContent: a report of something the viewer can see (moderation/services/reports.py)."""

import strawberry

from moderation.models import SubjectKind
from moderation.services.reports import report_create
from schema.core.common import payload_mutation
from schema.core.context import Info, Scope
from schema.core.errors import NotFound
from schema.core.nodes import parse_any_global_id
from schema.moderation.inputs import ReportInput
from schema.moderation.types import ReportPayload

# The node types a report may name, and what the moderation app calls them.
SUBJECT_KINDS = {
    "Photo": SubjectKind.PHOTO,
    "Comment": SubjectKind.COMMENT,
    "Album": SubjectKind.ALBUM,
    "User": SubjectKind.USER,
}


@strawberry.type
class Mutation:
    @payload_mutation(
        description=(
            "A Photo, Comment, Album or User the viewer can see (else `not_found`), not "
            "the viewer's own (`invalid`); a second open report of the same subject: "
            "`duplicate`. Rated per reporter (`rate_limited`)."
        )
    )
    def report_content(self, info: Info, input: ReportInput) -> ReportPayload:
        reporter = info.context.viewer_or_payload_error(Scope.SOCIAL)
        parsed = parse_any_global_id(input.subject_id)
        kind = SUBJECT_KINDS.get(parsed[0]) if parsed else None
        if kind is None:
            raise NotFound("Nothing to report under this ID.", field="subjectId")
        report = report_create(
            reporter=reporter,
            kind=kind,
            subject_id=parsed[1],
            reason=input.reason.value,
            details=input.details or "",
        )
        # The row as written, not refetched: a report is its reporter's alone, and an
        # access token with SOCIAL but not READ reads as a stranger would.
        return report
