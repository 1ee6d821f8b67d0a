from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.fields.types import OperationInfo

from media_graph import models
from schema.core.common import VisibleNode
from schema.core.context import Info
from schema.engine.joins import joined
from schema.moderation.status import (
    MODERATION_STATUS_DESCRIPTION,
    ModerationStatus,
    moderation_status,
)

if TYPE_CHECKING:
    from schema.media.types import Photo
    from schema.users.types import User


@strawberry_django.type(models.Comment, name="Comment")
class Comment(VisibleNode, relay.Node):
    author: Annotated["User", strawberry.lazy("schema.users.types")] = joined()
    photo: Annotated["Photo", strawberry.lazy("schema.media.types")] = joined()
    text: str
    created_at: datetime

    @strawberry_django.field(
        only=["hidden_at", "author_id"], description=MODERATION_STATUS_DESCRIPTION
    )
    def moderation_status(self, info: Info) -> ModerationStatus | None:
        return moderation_status(info, self, self.author_id)


CommentPayload = Annotated[Comment | OperationInfo, strawberry.union("CommentPayload")]
