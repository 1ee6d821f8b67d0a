"""The media storage (S3 or the local filesystem, through Django's STORAGES)."""

import logging
from collections.abc import Iterable

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

# What a storage outage looks like from here: boto3's connection and HTTP errors for
# S3, OSError for a filesystem (disk full, permissions).
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)


def storage_unavailable() -> ValidationError:
    return ValidationError(
        "The photo storage is not answering; nothing was saved. Try again shortly.",
        code="storage_unavailable",
    )


def save(name: str, content) -> str:
    """Store `content` under exactly `name`; raises `storage_unavailable` on an outage."""
    try:
        stored = default_storage.save(name, content)
    except STORAGE_ERRORS as exc:
        logger.warning("storage write of %s failed: %s", name, exc)
        raise storage_unavailable() from exc
    if stored != name:  # a server-chosen uuid key cannot clash; if it did, say so
        delete([stored])
        raise RuntimeError(f"storage renamed {name} to {stored}")
    return stored


def delete(names: Iterable[str]) -> None:
    """Delete objects, best effort: a failure is logged, never raised (callers clean up)."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except STORAGE_ERRORS as exc:
            logger.error("could not delete %s from storage: %s", name, exc)


def url(name: str) -> str:
    """The object's URL: signed when the storage is private, maybe relative for local files."""
    return default_storage.url(name)
