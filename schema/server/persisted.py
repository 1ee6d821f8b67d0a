"""Apollo's automatic persisted queries: a document sent once with its hash, then by hash alone.

The protocol (Apollo's PersistedQueryLink): a request carries
`extensions.persistedQuery = {version: 1, sha256Hash}`. With the hash alone, the server
answers the document it registered under that hash, or the error
`PersistedQueryNotFound` (code PERSISTED_QUERY_NOT_FOUND), and the client sends the
document again with the hash, which registers it. Only documents that passed every
check (parsed, validated, within the cost limit) are registered, in the cache named
`persisted_queries` (REDIS_CACHE_URL: shared by every worker, LRU).

A store anyone can write to is bounded by the app, whatever the Redis does:
- at most GRAPHQL_PERSISTED_QUERIES_MAX entries: each document goes to one of that many
  slots, chosen by a keyed hash of its digest (so nobody can aim at a popular
  document's slot), and a newer one takes the slot over;
- at most GRAPHQL_PERSISTED_QUERIES_MAX_BYTES in all: a slot holds at most its share of
  it; a longer document still runs, it is only never stored;
- at most GRAPHQL_PERSISTED_QUERY_REGISTRATIONS_PER_MINUTE new documents per client (the
  signed-in user, else the client address), counted in the counting store.
A miss costs the client one round trip (it sends the document again), so a store that
is down or refusing writes answers as a miss and never fails the request.
"""

import hashlib
import hmac
import logging
import re
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from project import rates
from project.codes import ErrorCode
from project.stores import STORE_ERRORS
from schema.core.errors import BadUserInput, ClientError
from users.throttle import client_address

logger = logging.getLogger(__name__)

CACHE = "persisted_queries"
_SHA256 = re.compile(r"[0-9a-f]{64}")


class PersistedQueryNotFound(ClientError):
    code = ErrorCode.PERSISTED_QUERY_NOT_FOUND

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotFound")  # the message Apollo's link looks for


def requested_hash(extensions: Any) -> str | None:
    """The sha256 a request names in `extensions.persistedQuery`, or None if it names none.

    Raises BadUserInput for a malformed persistedQuery (not version 1, not a sha256).
    """
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise BadUserInput("Only version 1 of persisted queries is supported.")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise BadUserInput("persistedQuery.sha256Hash must be 64 lowercase hex digits.")
    return digest


def query_for(query: str | None, digest: str) -> str:
    """The document to run: the one sent (which must match its hash) or the one registered."""
    if query:
        if hashlib.sha256(query.encode()).hexdigest() != digest:
            raise BadUserInput("persistedQuery.sha256Hash is not the sha256 of the query.")
        return query
    document = registered(digest)
    if document is None:
        raise PersistedQueryNotFound()
    return document


def _slot(digest: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), digest.encode(), hashlib.sha256).digest()
    return f"slot:{int.from_bytes(mac[:8], 'big') % max(1, settings.GRAPHQL_PERSISTED_QUERIES_MAX)}"


def registered(digest: str) -> str | None:
    """The document registered under `digest`, or None (never registered, or pushed out)."""
    try:
        entry = caches[CACHE].get(_slot(digest))
    except STORE_ERRORS as exc:
        logger.warning("persisted queries unavailable: %s", exc)
        return None
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == digest:
        return entry[1]
    return None  # empty, or another document's slot


def max_document_bytes() -> int:
    """The longest document a slot holds: its share of the store's bytes."""
    return settings.GRAPHQL_PERSISTED_QUERIES_MAX_BYTES // max(
        1, settings.GRAPHQL_PERSISTED_QUERIES_MAX
    )


def client_of(request: HttpRequest | None) -> str:
    """Who registers: the signed-in user, else the client address."""
    if request is None:
        return "unknown"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"addr:{client_address(request)}"


def register(query: str, digest: str, *, client: str) -> bool:
    """Keep a document that passed every check under its hash (the caller checked it).

    Answers whether it was stored: not when it is too long for a slot, when `client`
    registered too many this minute, or when a store cannot write.
    """
    if len(query.encode()) > max_document_bytes() or registered(digest) == query:
        return False
    try:
        rates.take(rates.PERSISTED_QUERIES, client)
    except rates.RateLimited:
        return False
    try:
        caches[CACHE].set(
            _slot(digest), (digest, query), timeout=settings.GRAPHQL_PERSISTED_QUERY_SECONDS
        )
    except STORE_ERRORS as exc:
        logger.warning("could not register a persisted query: %s", exc)
        return False
    return True
