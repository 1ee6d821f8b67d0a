import strawberry

from moderation.models import DETAILS_MAX_LENGTH
from schema.moderation.types import ReportReason


@strawberry.input
class ReportInput:
    subject_id: strawberry.ID = strawberry.field(
        description="A Photo, Comment, Album or User the viewer can see."
    )
    reason: ReportReason
    details: str | None = strawberry.field(
        default="", description=f"At most {DETAILS_MAX_LENGTH} characters."
    )
