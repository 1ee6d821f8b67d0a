"""Who a request's `Authorization` header names, and with which scopes.

A JWT is a password login: every scope. An access token (users/access_tokens.py)
carries the scopes it was made with. Both come as `Bearer <token>` (`JWT <token>` too).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from users import access_tokens, jwt_tokens

BAD_HEADER = "Authorization header must be 'JWT <token>' or 'Bearer <token>'"


@dataclass(frozen=True)
class Credential:
    user: Any  # a User, or AnonymousUser
    scopes: frozenset[str] | None = None  # None: a password login, which may do anything
    error: str | None = None  # why the header did not authenticate, when it did not
    token_id: int | None = None  # the access token's row, when one authenticated
    budget: int | None = None  # that token's own cost budget (schema/server/budget.py)


ANONYMOUS = Credential(AnonymousUser())


def authenticate_header(header: str | None) -> Credential:
    """A missing header is anonymous with no error; a bad one is anonymous with a reason,
    so callers can tell a client that its token (not its request) is the problem.
    """
    if not header:
        return ANONYMOUS
    token = jwt_tokens.token_from_authorization(header)
    if token is None:
        return Credential(AnonymousUser(), error=BAD_HEADER)
    if access_tokens.is_access_token(token):
        try:
            row = access_tokens.authenticate(token)
        except access_tokens.AccessTokenError as exc:
            return Credential(AnonymousUser(), error=str(exc))
        return Credential(
            row.user, scopes=frozenset(row.scopes), token_id=row.pk, budget=row.budget
        )
    try:
        return Credential(jwt_tokens.user_for_access_token(token))
    except jwt_tokens.TokenError as exc:
        return Credential(AnonymousUser(), error=str(exc))
