"""The four token mutations, in django-graphql-jwt's shapes (top-level errors, no payload union)."""

import math

import strawberry
from strawberry.scalars import JSON

from schema.core.context import Info
from schema.core.errors import RateLimited, Unauthenticated
from users import jwt_tokens
from users.services import accounts as services

PAYLOAD = "The access token's claims: username, exp and origIat (Unix times, seconds)."
REFRESH_EXPIRES_IN = (
    "When the refresh token expires: Unix time (seconds since 1970-01-01 UTC), not a duration."
)


@strawberry.type
class ObtainJSONWebToken:
    token: str
    refresh_token: str
    payload: JSON = strawberry.field(description=PAYLOAD)
    refresh_expires_in: int = strawberry.field(description=REFRESH_EXPIRES_IN)


@strawberry.type
class Verify:
    payload: JSON = strawberry.field(description=PAYLOAD)


@strawberry.type
class Refresh:
    token: str
    refresh_token: str
    payload: JSON = strawberry.field(description=PAYLOAD)
    refresh_expires_in: int = strawberry.field(description=REFRESH_EXPIRES_IN)


@strawberry.type
class Revoke:
    revoked: int = strawberry.field(
        description="When the token was revoked: Unix time (seconds since 1970-01-01 UTC)."
    )


def _pair(issued: jwt_tokens.IssuedTokens, cls):
    return cls(
        token=issued.token,
        refresh_token=issued.refresh_token,
        payload=issued.payload,
        refresh_expires_in=issued.refresh_expires_in,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Bad credentials answer an UNAUTHENTICATED error.")
    def token_auth(self, info: Info, username: str, password: str) -> ObtainJSONWebToken:
        try:
            user = services.user_authenticate(
                username=username, password=password, address=info.context.client_address
            )
        except services.TooManyAttempts as exc:
            seconds = max(1, math.ceil(exc.retry_after))
            raise RateLimited(
                f"Too many failed logins; try again in {seconds} s.", retry_after=seconds
            ) from None
        except services.InvalidCredentials:
            raise Unauthenticated("Please enter valid credentials.") from None
        return _pair(jwt_tokens.issue_tokens(user), ObtainJSONWebToken)

    @strawberry.mutation
    def verify_token(self, token: str) -> Verify:
        try:
            return Verify(payload=jwt_tokens.verify_access_token(token))
        except jwt_tokens.TokenError as exc:
            raise Unauthenticated(str(exc)) from None

    @strawberry.mutation(description="Rotates: the old refresh token stops working.")
    def refresh_token(self, refresh_token: str) -> Refresh:
        try:
            return _pair(jwt_tokens.rotate_refresh_token(refresh_token), Refresh)
        except jwt_tokens.TokenError as exc:
            raise Unauthenticated(str(exc)) from None

    @strawberry.mutation
    def revoke_token(self, refresh_token: str) -> Revoke:
        try:
            return Revoke(revoked=jwt_tokens.revoke_refresh_token(refresh_token))
        except jwt_tokens.TokenError as exc:
            raise Unauthenticated(str(exc)) from None
