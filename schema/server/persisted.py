"""Apollo's automatic persisted queries: a document sent once with its hash, then by hash alone.

The protocol (Apollo's PersistedQueryLink): a request carries
`extensions.persistedQuery = {version: 1, sha256Hash}`. With the hash alone, the server
answers the document it registered under that hash, or the error
`PersistedQueryNotFound` (code PERSISTED_QUERY_NOT_FOUND), and the client sends the
document again with the hash, which registers it. Only documents that passed every
check are registered, under the sha256 of their exact text, in the cache named
`persisted_queries` (Redis when REDIS_URL is set: shared by every worker), for
GRAPHQL_PERSISTED_QUERY_SECONDS and at most GRAPHQL_MAX_QUERY_CHARS each.
"""

import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.cache import caches

from project.codes import ErrorCode
from schema.core.errors import BadUserInput, ClientError

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
    registered = caches[CACHE].get(digest)
    if registered is None:
        raise PersistedQueryNotFound()
    return registered


def register(query: str, digest: str) -> None:
    """Keep a document that passed every check under its hash (the caller checked it)."""
    if len(query) <= settings.GRAPHQL_MAX_QUERY_CHARS:
        caches[CACHE].set(digest, query, timeout=settings.GRAPHQL_PERSISTED_QUERY_SECONDS)
