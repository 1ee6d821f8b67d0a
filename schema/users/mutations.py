from typing import Annotated

import strawberry
from strawberry_django.fields.types import OperationInfo

from schema.common import payload_mutation, refetch
from schema.context import PASSWORD_LOGIN, Info
from schema.users.inputs import RegisterInput, UpdateProfileInput
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
        info.context.registered_user_id = user.pk
        return refetch(User, user, info)

    @payload_mutation()
    def update_profile(self, info: Info, input: UpdateProfileInput) -> UpdateProfilePayload:
        user = accounts.user_update_profile(
            user=info.context.viewer_or_payload_error(PASSWORD_LOGIN),
            display_name=input.display_name,
            bio=input.bio,
            email_notifications=input.email_notifications,
        )
        return refetch(User, user, info)
