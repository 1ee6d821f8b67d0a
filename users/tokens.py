"""JWT access and refresh tokens: the one module that imports django-graphql-jwt.

Only its primitives are used (token encoding, payload checks, the refresh-token model).
Its middleware, decorators and cookie handling are not, so a cookie can never
authenticate a request here.
"""

from calendar import timegm
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import (
    create_refresh_token,
    get_refresh_token,
    get_token,
    get_user_by_token,
)
from graphql_jwt.utils import get_payload

AUTH_HEADER_PREFIXES = ("JWT", "Bearer")


class TokenError(Exception):
    """A token that is malformed, tampered with, expired, revoked or for a disabled user."""


@dataclass(frozen=True)
class IssuedTokens:
    token: str
    refresh_token: str
    payload: dict[str, Any]
    refresh_expires_in: int  # Unix time at which the refresh token stops working


def _refresh_expires_at() -> int:
    now = timegm(timezone.now().utctimetuple())
    return now + int(jwt_settings.JWT_REFRESH_EXPIRATION_DELTA.total_seconds())


def issue_tokens(user) -> IssuedTokens:
    token = get_token(user)
    refresh = create_refresh_token(user)
    return IssuedTokens(
        token=token,
        refresh_token=refresh.get_token(),
        payload=get_payload(token),
        refresh_expires_in=_refresh_expires_at(),
    )


def verify_access_token(token: str) -> dict[str, Any]:
    try:
        payload = get_payload(token)
        user = get_user_by_token(token)
    except JSONWebTokenError as exc:
        raise TokenError(str(exc)) from None
    if user is None or not user.is_active:
        raise TokenError("Invalid token")
    return payload


def user_for_access_token(token: str):
    try:
        user = get_user_by_token(token)
    except JSONWebTokenError as exc:
        raise TokenError(str(exc)) from None
    if user is None or not user.is_active:
        raise TokenError("Invalid token")
    return user


def rotate_refresh_token(raw: str) -> IssuedTokens:
    """Trade a refresh token for a new pair; the old one stops working at once."""
    with transaction.atomic():
        try:
            old = get_refresh_token(raw)
        except JSONWebTokenError as exc:
            raise TokenError(str(exc)) from None
        if old.is_expired() or not old.user.is_active:
            raise TokenError("Refresh token is expired")
        # Conditional update: of two concurrent refreshes with one token, one wins.
        won = (
            type(old).objects.filter(pk=old.pk, revoked__isnull=True).update(revoked=timezone.now())
        )
        if not won:
            raise TokenError("Invalid refresh token")
        return issue_tokens(old.user)


def revoke_refresh_token(raw: str) -> int:
    """Revoke a refresh token; answers the Unix time of the revocation."""
    try:
        refresh = get_refresh_token(raw)
    except JSONWebTokenError as exc:
        raise TokenError(str(exc)) from None
    refresh.revoke()
    return timegm(refresh.revoked.utctimetuple())


def token_from_authorization(header: str | None) -> str | None:
    """The token in `Authorization: JWT <token>` (or `Bearer <token>`), else None."""
    if not header:
        return None
    prefix, _, token = header.strip().partition(" ")
    if prefix.lower() not in {p.lower() for p in AUTH_HEADER_PREFIXES} or not token.strip():
        return None
    return token.strip()


def authenticate_header(header: str | None) -> tuple[Any, str | None]:
    """The user a request's Authorization header names, and why not when it fails.

    A missing header is anonymous with no error; a bad one is anonymous with a reason,
    so callers can tell a client that its token (not its request) is the problem.
    """
    if not header:
        return AnonymousUser(), None
    token = token_from_authorization(header)
    if token is None:
        return AnonymousUser(), "Authorization header must be 'JWT <token>' or 'Bearer <token>'"
    try:
        return user_for_access_token(token), None
    except TokenError as exc:
        return AnonymousUser(), str(exc)
