"""Staged direct uploads in storage: where a client sends bytes, and what is done with them.

A staged object lives under `uploads/<uuid>` until its finalize moves it to
`originals/` or deletes it. On S3 the client PUTs to a presigned URL whose signature
covers Content-Length, Content-Type and x-amz-checksum-sha256, so the storage refuses
any other length or type (AWS and MinIO also refuse bytes that do not hash to the
checksum; rclone's `serve s3` stores the header without checking it). With local
storage the URL is the app's own signed, expiring endpoint (storage.local_put),
which checks all three itself. Either way finalize reads the bytes once and checks them
again: the storage is never the only line of defence.

Every call has the storage's one deadline; failures are `storage_unavailable`.
"""

import hashlib
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from media_graph import storage
from media_graph.storage.base import Target
from project.errors import storage_unavailable

UPLOADS = "uploads/"
_CHUNK = 1024 * 1024


def staged_key() -> str:
    return f"{UPLOADS}{uuid.uuid4().hex}"


def target(key: str, *, size: int, content_type: str, sha256: str, expires_in: int) -> Target:
    """A presigned PUT for exactly these bytes (no storage call: signing is local)."""
    return storage.media().presign_put(
        key, size=size, content_type=content_type, sha256=sha256, expires_in=expires_in
    )


def check_available() -> None:
    """One cheap call, so a target is never handed out for a storage that is down."""
    try:
        storage.media().check_writable(UPLOADS)
    except storage.STORAGE_ERRORS as exc:
        raise storage_unavailable() from exc


@dataclass
class StagedBytes:
    file: object  # an open binary file, at 0
    size: int  # bytes read, at most the limit + 1
    sha256: str


@contextmanager
def read(key: str, *, limit: int) -> Iterator[StagedBytes | None]:
    """The staged bytes, read once (at most `limit` + 1 of them) and hashed on the way.

    None when nothing was uploaded. A stream (S3) is copied into a temporary file as it
    is hashed; a file that can seek (local storage) is read where it is (it stays open
    through a move: same filesystem).
    """
    digest = hashlib.sha256()
    size = 0
    try:
        source = storage.media().open_stream(key)
    except FileNotFoundError:
        yield None
        return
    except storage.STORAGE_ERRORS as exc:
        raise storage_unavailable() from exc
    in_place = source.seekable()
    file = source if in_place else tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115 (closed below)
    try:
        while size <= limit and (chunk := source.read(min(_CHUNK, limit + 1 - size))):
            if not in_place:
                file.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    except storage.STORAGE_ERRORS as exc:
        file.close()
        raise storage_unavailable() from exc
    except BaseException:
        file.close()
        raise
    finally:
        if not in_place:
            source.close()
    file.seek(0)
    try:
        yield StagedBytes(file=file, size=size, sha256=digest.hexdigest())
    finally:
        file.close()


def promote(key: str, name: str) -> str:
    """Move the staged object to `name` (its original's key): server-side on S3 (no
    bytes through the app), a rename on a filesystem."""
    try:
        storage.media().promote(key, name)
    except storage.STORAGE_ERRORS as exc:
        raise storage_unavailable() from exc
    storage.delete([key])  # best effort, a no-op after a rename: the purge catches what is left
    return name


def discard(key: str) -> None:
    """Delete a staged object, best effort (a failure is logged; the purge finds it)."""
    storage.delete([key])


def purge(older_than: datetime, *, dry_run: bool = False) -> list[str]:
    """Delete every staged object last written before `older_than`; answers their names."""
    names = [name for name, modified in storage.listing(UPLOADS) if modified < older_than]
    if names and not dry_run:
        left = set(storage.delete(names))
        return [name for name in names if name not in left]
    return names
