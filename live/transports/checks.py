"""Who may open a live connection: its Origin and its credential (how many subscriptions
it may hold: live/transports/slots.py).

Browsers send an Origin on WebSocket upgrades and on cross-site POSTs, and CORS does
not apply to WebSockets, so the Origin is checked here against CORS's own list (plus the
page's own origin, GraphiQL's). A client that sends none (a script, CI, a mobile app)
cannot be a page's victim and is accepted; it still needs a token for what is private.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings

from live.streams import in_thread
from users.credentials import Credential, authenticate_header


def header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def origin_allowed(scope: dict) -> bool:
    origin = header(scope, b"origin")
    if not origin:
        return True
    if origin in settings.CORS_ALLOWED_ORIGINS:
        return True
    if any(re.match(pattern, origin) for pattern in settings.CORS_ALLOWED_ORIGIN_REGEXES):
        return True
    # The page's own origin (GraphiQL served at the same address).
    return urlsplit(origin).netloc == (header(scope, b"host") or "")


async def credential_for(authorization: str | None) -> Credential:
    """users.credentials' answer for an Authorization value (its lookups are the ORM's)."""
    return await in_thread(authenticate_header, authorization)


async def still_valid(authorization: str | None, credential: Credential) -> bool:
    """Whether the token that opened the connection still names the same user.

    A signed-out session (users' session stamp), a deleted account or a revoked access
    token names nobody any more.
    """
    if not credential.user.is_authenticated:
        return True
    again = await credential_for(authorization)
    return again.user.is_authenticated and again.user.pk == credential.user.pk
