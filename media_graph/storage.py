"""The media storage (S3 or the local filesystem, through Django's STORAGES).

Every call here is one storage call with one deadline (settings: the S3 client's
connect and read timeouts and its single retry), so a hung storage costs a request
seconds, never minutes: a save is one PUT (the storages overwrite, so no HEAD comes
first) and deleting a photo's objects is one DeleteObjects call.
"""

import logging
from collections.abc import Iterable

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage

from media_graph.s3 import object_key
from project.codes import PayloadCode

logger = logging.getLogger(__name__)

# What a storage outage looks like from here: boto3's connection and HTTP errors for
# S3, OSError for a filesystem (disk full, permissions).
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)

# DeleteObjects takes at most this many keys per call.
_DELETE_BATCH = 1000


def storage_unavailable() -> ValidationError:
    return ValidationError(
        "The photo storage is not answering; nothing was saved. Try again shortly.",
        code=PayloadCode.STORAGE_UNAVAILABLE,
    )


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


def delete(names: Iterable[str]) -> None:
    """Delete objects, best effort: a failure is logged, never raised (callers clean up).

    On S3 this is one DeleteObjects call for all of them (so a hung storage costs one
    deadline, not one per object); on a filesystem, one unlink per file.
    """
    names = list(dict.fromkeys(name for name in names if name))
    if not names:
        return
    if isinstance(default_storage, S3Storage):
        _delete_s3(names)
        return
    for name in names:
        try:
            default_storage.delete(name)
        except STORAGE_ERRORS as exc:
            logger.error("could not delete %s from storage: %s", name, exc)


def _delete_s3(names: list[str]) -> None:
    # The keys as django-storages writes them (its location prefix, cleaned names).
    keys = {object_key(default_storage, name): name for name in names}
    batch = list(keys)
    for start in range(0, len(batch), _DELETE_BATCH):
        chunk = batch[start : start + _DELETE_BATCH]
        try:
            answer = default_storage.bucket.delete_objects(
                Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True}
            )
        except STORAGE_ERRORS as exc:
            logger.error(
                "could not delete %s from storage: %s", ", ".join(keys[k] for k in chunk), exc
            )
            continue
        # Quiet mode lists only the keys that failed (a missing key counts as deleted).
        for error in answer.get("Errors", []):
            logger.error(
                "could not delete %s from storage: %s %s",
                keys.get(error.get("Key"), error.get("Key")),
                error.get("Code"),
                error.get("Message"),
            )


def url(name: str) -> str:
    """The object's URL: signed when the storage is private, maybe relative for local files."""
    return default_storage.url(name)
