"""Access tokens for scripts and CI: listed, made and revoked by their owner.

Only a password login (a JWT) may make or revoke one: a leaked token cannot mint
others. How a token authenticates is users/credentials.py; what its scopes allow is
`Context.viewer_or_payload_error` (schema/core/context.py), the one place they are checked.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.fields.types import OperationInfo

from schema.core.common import (
    DeletedNode,
    DeletePayload,
    NodeInput,
    VisibleNode,
    find_visible,
    payload_mutation,
    refetch,
)
from schema.core.connections import Connection
from schema.core.context import PASSWORD_LOGIN, Info
from users import models
from users.services import access_tokens

AccessTokenScope = strawberry.enum(models.AccessToken.Scope, name="AccessTokenScope")


@strawberry_django.type(models.AccessToken, name="AccessToken")
class AccessToken(VisibleNode, relay.Node):
    name: str
    prefix: str = strawberry_django.field(
        description="The token's first characters, to recognise it."
    )
    created_at: datetime
    expires_at: datetime | None = strawberry_django.field(description="Null: never expires.")
    last_used_at: datetime | None = strawberry_django.field(
        description="When it last authenticated a request, to the minute."
    )
    budget: int | None = strawberry_django.field(
        description="Its own cost budget in points (extensions.cost); null: its owner's."
    )

    @strawberry_django.field(only=["scopes"])
    def scopes(self) -> list[AccessTokenScope]:
        return [models.AccessToken.Scope(scope) for scope in self.scopes]


@strawberry.type
class NewAccessToken:
    token: str = strawberry.field(
        description="Shown this once: send it as `Authorization: Bearer <token>`."
    )
    access_token: AccessToken


NewAccessTokenPayload = Annotated[
    NewAccessToken | OperationInfo, strawberry.union("NewAccessTokenPayload")
]


@strawberry.input
class CreateAccessTokenInput:
    name: str
    scopes: list[AccessTokenScope]
    expires_in_days: int | None = strawberry.field(
        default=None, description="1 to 3650; null: never expires."
    )
    budget: int | None = strawberry.field(
        default=None,
        description=(
            "Its own cost budget: 1 to GRAPHQL_BUDGET_MAX points (20,000 by default); "
            "null: it spends its owner's."
        ),
    )


@strawberry.type
class Query:
    @strawberry_django.connection(
        Connection[AccessToken],
        description="The viewer's, newest first. UNAUTHENTICATED error when anonymous.",
    )
    def access_tokens(self, info: Info) -> Iterable[models.AccessToken]:
        info.context.viewer_or_graphql_error()
        return models.AccessToken.objects.newest_first()


@strawberry.type
class Mutation:
    @payload_mutation(
        input_fields={"expires_at": "expiresInDays"},
        description="Only from a password login (a JWT): a token cannot make tokens.",
    )
    def create_access_token(
        self, info: Info, input: CreateAccessTokenInput
    ) -> NewAccessTokenPayload:
        viewer = info.context.viewer_or_payload_error(PASSWORD_LOGIN)
        token, row = access_tokens.access_token_create(
            user=viewer,
            name=input.name,
            scopes=[scope.value for scope in input.scopes],
            expires_in_days=input.expires_in_days,
            budget=input.budget,
        )
        return NewAccessToken(token=token, access_token=refetch(AccessToken, row, info))

    @payload_mutation(description="The token stops working at once.")
    def revoke_access_token(self, info: Info, input: NodeInput) -> DeletePayload:
        info.context.viewer_or_payload_error(PASSWORD_LOGIN)
        row = find_visible(AccessToken, models.AccessToken, input.id, info)
        access_tokens.access_token_revoke(access_token=row)
        return DeletedNode(id=input.id)
