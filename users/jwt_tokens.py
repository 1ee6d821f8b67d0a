"""JWT access and refresh tokens: the one module that imports django-graphql-jwt.

Only its primitives are used (token encoding, payload checks, the refresh-token model).
Its middleware, decorators and cookie handling are not, so a cookie can never
authenticate a request here.

Refresh tokens rotate with reuse detection (RFC 9700, section 4.14.2): every token
belongs to the family of the `tokenAuth` it descends from (`RefreshTokenFamily`), and
presenting a token that was already rotated away revokes the whole family, so of a
thief and the legitimate client, whichever comes second ends both sessions.

Every JWT carries `ses`, the account's session epoch when it was signed, and is refused
once the epoch moved on: a password set again or "sign out everywhere" ends every JWT
issued before (User.end_sessions), and revokes every refresh token with it.
"""

import uuid
from calendar import timegm
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, Subquery
from django.utils import timezone
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.refresh_token.utils import get_refresh_token_model
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import create_refresh_token, get_refresh_token, get_token
from graphql_jwt.utils import get_payload, get_user_by_payload
from graphql_jwt.utils import jwt_payload as library_payload

from users.models import RefreshTokenFamily, User

AUTH_HEADER_PREFIXES = ("JWT", "Bearer")


SESSION_ENDED = "This session has ended: sign in again"


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


def issue_tokens(user, *, family: uuid.UUID | None = None) -> IssuedTokens:
    """A new access token and refresh token; a new family unless one is handed on."""
    token = get_token(user)
    with transaction.atomic():
        refresh = create_refresh_token(user)
        RefreshTokenFamily.objects.create(refresh_token=refresh, family=family or uuid.uuid4())
    return IssuedTokens(
        token=token,
        refresh_token=refresh.get_token(),
        payload=get_payload(token),
        refresh_expires_in=_refresh_expires_at(),
    )


def jwt_payload(user, context=None) -> dict[str, Any]:
    """The library's claims (username, exp, origIat), `sub`, the account's id, and `ses`,
    its session epoch (see the module's docstring).

    The library finds a token's user by username alone; a deleted account's username
    is free again, and its tokens must not name the account that takes it next.
    (settings.GRAPHQL_JWT names this as the JWT_PAYLOAD_HANDLER.)
    """
    return {**library_payload(user, context), "sub": str(user.pk), "ses": user.session_epoch}


def _user_and_payload(token: str):
    try:
        payload = get_payload(token)
        user = get_user_by_payload(payload)
    except JSONWebTokenError as exc:
        raise TokenError(str(exc)) from None
    if user is None or not user.is_active or payload.get("sub") != str(user.pk):
        raise TokenError("Invalid token")
    if payload.get("ses", 0) != user.session_epoch:
        raise TokenError(SESSION_ENDED)
    return user, payload


def verify_access_token(token: str) -> dict[str, Any]:
    return _user_and_payload(token)[1]


def user_for_access_token(token: str):
    return _user_and_payload(token)[0]


def _revoke_family(refresh, when: datetime) -> int:
    """Revoke the unrevoked tokens of `refresh`'s family, in one UPDATE.

    A token without a family row (issued before families existed) is a family of its
    own. `revoked IS NULL` is a condition on the updated rows themselves, so of two
    concurrent revocations the second re-checks each row it waited for and skips it.
    """
    family = RefreshTokenFamily.objects.filter(refresh_token=refresh).values("family")
    members = RefreshTokenFamily.objects.filter(family=Subquery(family)).values("refresh_token")
    return (
        get_refresh_token_model()
        .objects.filter(Q(pk=refresh.pk) | Q(pk__in=members), revoked__isnull=True)
        .update(revoked=when)
    )


def _revoke_families_of_reused(raw: str) -> None:
    """`raw` was not a live token: if it is a revoked one, that is reuse; end its family.

    The caller answers the same error either way, so a client learns nothing from it.
    """
    reused = get_refresh_token_model().objects.filter(token=raw, revoked__isnull=False)
    for refresh in reused:
        _revoke_family(refresh, timezone.now())


def rotate_refresh_token(raw: str) -> IssuedTokens:
    """Trade a refresh token for a new pair of the same family; the old one stops working.

    Presenting a token that was already rotated (or revoked) revokes its whole family
    and fails like an unknown token.
    """
    with transaction.atomic():
        try:
            old = get_refresh_token(raw)
        except JSONWebTokenError:
            old = None
        if old is None:
            _revoke_families_of_reused(raw)
        else:
            # The account's row is locked first, as User.end_sessions locks it: a rotation
            # racing a password change either ends before it (and the change revokes
            # the new token) or waits, then finds `old` revoked below. The new JWT is
            # signed with the epoch read under that lock.
            user = User.objects.select_for_update(no_key=True).filter(pk=old.user_id).first()
            if old.is_expired() or user is None or not user.is_active:
                raise TokenError("Refresh token is expired")
            # Conditional update: of two concurrent refreshes with one token, one wins.
            won = (
                type(old)
                .objects.filter(pk=old.pk, revoked__isnull=True)
                .update(revoked=timezone.now())
            )
            if won:
                # A token without a family row (issued before families existed) gets
                # one now, so a later reuse of it still finds its descendants.
                link, _ = RefreshTokenFamily.objects.get_or_create(refresh_token=old)
                return issue_tokens(user, family=link.family)
            # The loser of the race counts as reuse too, and ends the family, the
            # winner's new token included. The server cannot tell a client's benign
            # double submit from a thief racing the owner with a stolen token; were the
            # loser let off, a thief who wins the race would keep a live session while
            # the owner is only asked to sign in again. RFC 9700 treats any reuse of a
            # rotated token as compromise, and clients that rotate are expected to
            # refresh one at a time; a client that does not is signed out (fail safe).
            # On PostgreSQL the losing UPDATE waited for the winner's transaction to
            # commit, so the winner's new token is visible here and is revoked as well.
            _revoke_family(old, timezone.now())
    # Outside the atomic block: the revocations above are committed, not rolled back
    # by the error.
    raise TokenError("Invalid refresh token")


def revoke_refresh_token(raw: str) -> int:
    """Sign a login out: revoke its whole family; answers the Unix time of the revocation.

    An already revoked token is reuse, as in `rotate_refresh_token`: its family is
    revoked and the answer is the same error as for an unknown token.
    """
    with transaction.atomic():
        try:
            refresh = get_refresh_token(raw)
        except JSONWebTokenError:
            refresh = None
        if refresh is None:
            _revoke_families_of_reused(raw)
        else:
            when = timezone.now()
            _revoke_family(refresh, when)
            return timegm(when.utctimetuple())
    raise TokenError("Invalid refresh token")


def delete_refresh_tokens(user) -> None:
    """Every refresh token of the user (their family rows go with them): the account
    is being deleted."""
    get_refresh_token_model().objects.filter(user=user).delete()


def token_from_authorization(header: str | None) -> str | None:
    """The token in `Authorization: JWT <token>` (or `Bearer <token>`), else None."""
    if not header:
        return None
    prefix, _, token = header.strip().partition(" ")
    if prefix.lower() not in {p.lower() for p in AUTH_HEADER_PREFIXES} or not token.strip():
        return None
    return token.strip()
