from typing import Annotated

import strawberry
from strawberry_django.fields.types import OperationInfo

from media_graph.services import follow_requests
from media_graph.services.account_deletion import user_delete_own
from schema.core.common import DeletedNode, DeletePayload, payload_mutation, refetch
from schema.core.context import PASSWORD_LOGIN, Info
from schema.core.nodes import global_id
from schema.users.inputs import DeleteAccountInput, RegisterInput, UpdateProfileInput
from schema.users.types import User
from users.services import accounts

RegisterPayload = Annotated[User | OperationInfo, strawberry.union("RegisterPayload")]
UpdateProfilePayload = Annotated[User | OperationInfo, strawberry.union("UpdateProfilePayload")]


@strawberry.type
class Mutation:
    @payload_mutation()
    def register(self, info: Info, input: RegisterInput) -> RegisterPayload:
        user = accounts.user_register(
            username=input.username,
            email=input.email,
            password=input.password,
            display_name=input.display_name,
        )
        # The new account's own answer: its email reads, though nobody is signed in.
        return refetch(User, user, info, as_owner=True)

    @payload_mutation()
    def update_profile(self, info: Info, input: UpdateProfileInput) -> UpdateProfilePayload:
        user = accounts.user_update_profile(
            user=info.context.viewer_or_payload_error(PASSWORD_LOGIN),
            display_name=input.display_name,
            bio=input.bio,
            email_notifications=input.email_notifications,
        )
        if input.is_private is not None:
            user = follow_requests.user_set_private(user=user, is_private=input.is_private)
        return refetch(User, user, info)

    @payload_mutation(
        description="The viewer's own, with its password, from a password login (a JWT): "
        "everything they own goes, stored objects too."
    )
    def delete_account(self, info: Info, input: DeleteAccountInput) -> DeletePayload:
        viewer = info.context.viewer_or_payload_error(PASSWORD_LOGIN)
        pk = user_delete_own(
            user=viewer, password=input.password, address=info.context.client_address
        )
        return DeletedNode(id=global_id("User", pk))
