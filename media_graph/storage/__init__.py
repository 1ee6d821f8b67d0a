"""The media storage's one face: S3 or the local filesystem, chosen by STORAGES.

Both backends implement storage.base.MediaStorage (storage.s3, storage.local), so
callers never ask which one they have. Every call here is one storage call with one
deadline (settings: the S3 client's connect and read timeouts and its single retry),
so a hung storage costs a request seconds, never minutes: a save is one PUT (the
storages overwrite, so no HEAD comes first) and deleting a photo's objects is one
DeleteObjects call.
"""

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.core.files.storage import default_storage

from media_graph.storage.base import STORAGE_ERRORS, MediaStorage
from project.errors import storage_unavailable

__all__ = ["STORAGE_ERRORS", "delete", "listing", "media", "open_ranged", "read", "save", "url"]

logger = logging.getLogger(__name__)


def media() -> MediaStorage:
    """The configured storage, as the media protocol sees it."""
    return default_storage


def save(name: str, content) -> str:
    """Store `content` under exactly `name`, replacing any object there.

    Raises `storage_unavailable` on an outage. A write that timed out may still have
    landed, so the failure is logged with the key: a caller that cannot clean up at
    once leaves an operator (and a later sweep) something to find.
    """
    try:
        stored = default_storage.save(name, content)
    except STORAGE_ERRORS as exc:
        logger.warning("storage write of %s failed (the object may exist): %s", name, exc)
        raise storage_unavailable() from exc
    if stored != name:  # the storages overwrite, so this would be a misconfiguration
        delete([stored])
        raise RuntimeError(f"storage renamed {name} to {stored}")
    return stored


def read(name: str) -> bytes:
    """The object's bytes, in one call. Raises STORAGE_ERRORS as the storage does."""
    return media().read_bytes(name)


def open_ranged(name: str):
    """The stored object `name`, open for seeking reads (raises STORAGE_ERRORS)."""
    return media().open_ranged(name)


def delete(names: Iterable[str]) -> list[str]:
    """Delete objects, best effort: a failure is logged, never raised (callers clean up).

    On S3 this is one DeleteObjects call per 1,000 (so a hung storage costs one
    deadline, not one per object); on a filesystem, one unlink per file. Answers the
    names that are still there, for a caller that tries again later (the delete task).
    """
    names = list(dict.fromkeys(name for name in names if name))
    return media().delete_many(names) if names else []


def listing(prefix: str) -> Iterator[tuple[str, datetime]]:
    """Every stored object under `prefix` as (name, last modified), in byte order of the
    name, one page at a time: a listing never sits in memory whole."""
    return media().list_objects(prefix)


def url(name: str) -> str:
    """The object's URL: signed when the storage is private, maybe relative for local files."""
    return default_storage.url(name)
