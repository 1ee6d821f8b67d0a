"""What the author of a photo or comment sees of moderation: whether it is hidden.

Its own module so schema/media and schema/social share it without importing the
reports' types."""

from enum import Enum

import strawberry

from schema.core.context import Info


@strawberry.enum(
    description="VISIBLE, or HIDDEN by a moderator: then its author alone still sees it."
)
class ModerationStatus(Enum):
    VISIBLE = "VISIBLE"
    HIDDEN = "HIDDEN"


MODERATION_STATUS_DESCRIPTION = "Its author's only (null for everyone else): HIDDEN by a moderator."


def moderation_status(info: Info, obj, author_pk: int) -> ModerationStatus | None:
    """For its author (or a mutation's own object read as its author); None for others."""
    if not info.context.reads_as_owner(obj, author_pk):
        return None
    return ModerationStatus.HIDDEN if obj.hidden_at is not None else ModerationStatus.VISIBLE
