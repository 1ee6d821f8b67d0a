"""The media storage (S3 or the local filesystem, through Django's STORAGES).

Every call here is one storage call with one deadline (settings: the S3 client's
connect and read timeouts and its single retry), so a hung storage costs a request
seconds, never minutes: a save is one PUT (the storages overwrite, so no HEAD comes
first) and deleting a photo's objects is one DeleteObjects call.
"""

import logging
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

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
# Keys per ListObjectsV2 page (S3's own maximum): what a listing holds in memory at once.
LISTING_PAGE = 1000


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


def read(name: str) -> bytes:
    """The object's bytes, in one call: on S3 one GetObject, without the transfer
    manager's worker thread that django-storages' files download through (its CPU
    showed in a variant's first fetch). Raises STORAGE_ERRORS as the storage does."""
    if isinstance(default_storage, S3Storage):
        answer = default_storage.connection.meta.client.get_object(
            Bucket=default_storage.bucket_name, Key=object_key(default_storage, name)
        )
        return answer["Body"].read()
    with default_storage.open(name, "rb") as file:
        return file.read()


def delete(names: Iterable[str]) -> list[str]:
    """Delete objects, best effort: a failure is logged, never raised (callers clean up).

    On S3 this is one DeleteObjects call for all of them (so a hung storage costs one
    deadline, not one per object); on a filesystem, one unlink per file. Answers the
    names that are still there, for a caller that tries again later (the delete task).
    """
    names = list(dict.fromkeys(name for name in names if name))
    if not names:
        return []
    if isinstance(default_storage, S3Storage):
        return _delete_s3(names)
    left = []
    for name in names:
        try:
            default_storage.delete(name)
        except STORAGE_ERRORS as exc:
            logger.error("could not delete %s from storage: %s", name, exc)
            left.append(name)
    return left


def _delete_s3(names: list[str]) -> list[str]:
    # The keys as django-storages writes them (its location prefix, cleaned names).
    keys = {object_key(default_storage, name): name for name in names}
    batch = list(keys)
    left = []
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
            left.extend(keys[k] for k in chunk)
            continue
        # Quiet mode lists only the keys that failed (a missing key counts as deleted).
        for error in answer.get("Errors", []):
            logger.error(
                "could not delete %s from storage: %s %s",
                keys.get(error.get("Key"), error.get("Key")),
                error.get("Code"),
                error.get("Message"),
            )
            left.append(keys.get(error.get("Key"), error.get("Key")))
    return left


def listing(prefix: str) -> Iterator[tuple[str, datetime]]:
    """Every stored object under `prefix` as (name, last modified), one page at a time.

    Names in byte order: S3 lists them so, one page at a time (a listing never sits in
    memory whole, however large the bucket); a filesystem's folders are sorted here.
    """
    if isinstance(default_storage, S3Storage):
        location = object_key(default_storage, prefix)
        strip = len(location) - len(prefix)
        pages = default_storage.bucket.meta.client.get_paginator("list_objects_v2").paginate(
            Bucket=default_storage.bucket_name,
            Prefix=location,
            PaginationConfig={"PageSize": LISTING_PAGE},
        )
        for page in pages:
            for entry in page.get("Contents", []):
                yield entry["Key"][strip:], entry["LastModified"]
        return
    root = Path(default_storage.location)
    for directory, folders, files in os.walk(root / prefix):
        folders.sort()
        for file in sorted(files):
            path = Path(directory) / file
            modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            yield path.relative_to(root).as_posix(), modified


def url(name: str) -> str:
    """The object's URL: signed when the storage is private, maybe relative for local files."""
    return default_storage.url(name)
