"""Access tokens for scripts and CI: what one looks like, and how a request's is checked.

`pgat_` and 43 URL-safe characters (256 random bits). The prefix tells one from a JWT
(those start with `eyJ`), so both travel as `Authorization: Bearer <token>`. A token
authenticates while it exists (revoking deletes it), has not expired and its user is
active; the scopes it carries are checked by the schema (schema/core/context.py).
"""

import hashlib
import secrets
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from users.models import AccessToken

PREFIX = "pgat_"
SHOWN_CHARACTERS = 12  # of the token, kept so its owner can recognise it
# lastUsedAt is written at most this often per token, never on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class AccessTokenError(Exception):
    """The token is unknown (or revoked), expired, or its user is disabled."""


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_access_token(token: str) -> bool:
    return token.startswith(PREFIX)


def authenticate(token: str) -> AccessToken:
    """The live token row (with its user) for `token`; raises AccessTokenError."""
    row = AccessToken.objects.select_related("user").filter(digest=digest(token)).first()
    if row is None or not row.user.is_active:
        raise AccessTokenError("Invalid access token")
    now = timezone.now()
    if row.expires_at is not None and row.expires_at <= now:
        raise AccessTokenError("Access token has expired")
    stale = now - LAST_USED_RESOLUTION
    if row.last_used_at is None or row.last_used_at <= stale:
        # Conditional: of concurrent requests within the minute, one writes.
        AccessToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=row.pk
        ).update(last_used_at=now)
    return row
