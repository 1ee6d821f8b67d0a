"""Blocks, mutes and follow requests: each names a user by username and answers that user.

Who is found is the visibility layer's business (schema.users.types.find_user): a block
or a mute finds those the viewer sees and those the viewer blocked (to unblock them),
never someone who blocked the viewer (`not_found`, as for anyone who does not exist).
The answer to blockUser and unblockUser is read the same way, so it can say
`viewerHasBlocked`; what it leads to (photos, followers) reads as the viewer, so it is
empty while the block stands.
"""

import strawberry

from media_graph.services import blocks, follow_requests
from schema.core.common import payload_mutation, refetch
from schema.core.context import Info, Scope
from schema.engine.optimizer import optimized
from schema.social.inputs import UserRefInput
from schema.users.types import User, UserPayload, find_user
from users import models


def _other(info: Info, username: str, *, to_block: bool = False):
    viewer = info.context.viewer_or_payload_error(Scope.SOCIAL)
    return viewer, find_user(info, username, to_block=to_block)


def _as_blocker_sees(info: Info, user: models.User) -> models.User:
    rows = models.User.objects.blockable_by(info.context.actor).filter(pk=user.pk)
    return optimized(rows, info).get()


@strawberry.type
class Mutation:
    @payload_mutation(
        description="Idempotent. Both are then to each other as if neither existed; follows, "
        "follow requests and album memberships between them end (docs/trust.md). "
        "Blocking yourself is `invalid`."
    )
    def block_user(self, info: Info, input: UserRefInput) -> UserPayload:
        viewer, other = _other(info, input.username, to_block=True)
        blocks.user_block(blocker=viewer, blocked=other)
        return _as_blocker_sees(info, other)

    @payload_mutation(description="Idempotent; restores visibility, not what the block ended.")
    def unblock_user(self, info: Info, input: UserRefInput) -> UserPayload:
        viewer, other = _other(info, input.username, to_block=True)
        blocks.user_unblock(blocker=viewer, blocked=other)
        return _as_blocker_sees(info, other)

    @payload_mutation(
        description="Idempotent; the muted user's photos leave the viewer's feed and their "
        "notifications stop; they are not told."
    )
    def mute_user(self, info: Info, input: UserRefInput) -> UserPayload:
        viewer, other = _other(info, input.username)
        blocks.user_mute(muter=viewer, muted=other)
        return refetch(User, other, info)

    @payload_mutation(description="Idempotent.")
    def unmute_user(self, info: Info, input: UserRefInput) -> UserPayload:
        viewer, other = _other(info, input.username)
        blocks.user_unmute(muter=viewer, muted=other)
        return refetch(User, other, info)

    @payload_mutation(
        description="Answers the requester, now a follower; no pending request: `not_found`."
    )
    def approve_follow_request(self, info: Info, input: UserRefInput) -> UserPayload:
        viewer, requester = _other(info, input.username)
        follow_requests.follow_request_approve(target=viewer, requester=requester)
        return refetch(User, requester, info)

    @payload_mutation(description="Answers the requester; no pending request: `not_found`.")
    def decline_follow_request(self, info: Info, input: UserRefInput) -> UserPayload:
        viewer, requester = _other(info, input.username)
        follow_requests.follow_request_decline(target=viewer, requester=requester)
        return refetch(User, requester, info)
