from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.fields.types import OperationInfo

from moderation import models
from schema.core.common import VisibleNode

ReportReason = strawberry.enum(models.Report.Reason, name="ReportReason")
ReportStatus = strawberry.enum(models.Report.Status, name="ReportStatus")


@strawberry_django.type(
    models.Report,
    name="Report",
    description="Seen by its reporter only; moderators decide on it in the admin.",
)
class Report(VisibleNode, relay.Node):
    reason: ReportReason
    details: str
    status: ReportStatus = strawberry_django.field(
        description="OPEN until a moderator acts (ACTIONED) or finds nothing to do (DISMISSED)."
    )
    created_at: datetime


ReportPayload = Annotated[Report | OperationInfo, strawberry.union("ReportPayload")]
