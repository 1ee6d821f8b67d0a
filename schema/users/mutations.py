from typing import Annotated

import strawberry
from strawberry_django.fields.types import OperationInfo

from schema.context import require_viewer
from schema.errors import DomainErrors
from schema.users.inputs import RegisterInput, UpdateProfileInput
from schema.users.types import User
from users import services

RegisterPayload = Annotated[User | OperationInfo, strawberry.union("RegisterPayload")]
UpdateProfilePayload = Annotated[User | OperationInfo, strawberry.union("UpdateProfilePayload")]


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[DomainErrors()])
    def register(self, input: RegisterInput) -> RegisterPayload:
        return services.user_register(
            username=input.username,
            email=input.email,
            password=input.password,
            display_name=input.display_name,
        )

    @strawberry.mutation(extensions=[DomainErrors()])
    def update_profile(
        self, info: strawberry.Info, input: UpdateProfileInput
    ) -> UpdateProfilePayload:
        return services.user_update_profile(
            user=require_viewer(info), display_name=input.display_name, bio=input.bio
        )
