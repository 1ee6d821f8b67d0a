"""Staged direct uploads in storage: where a client sends bytes, and what is done with them.

A staged object lives under `uploads/<uuid>` until its finalize moves it to
`originals/` or deletes it. On S3 the client PUTs to a presigned URL whose signature
covers Content-Length, Content-Type and x-amz-checksum-sha256, so the storage refuses
any other length or type (AWS and MinIO also refuse bytes that do not hash to the
checksum; rclone's `serve s3` stores the header without checking it). With local
storage the URL is the app's own signed, expiring endpoint (media_graph.local_uploads),
which checks all three itself. Either way finalize reads the bytes once and checks them
again: the storage is never the only line of defence.

Every call has the storage's one deadline; failures are `storage_unavailable`.
"""

import base64
import hashlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from botocore.exceptions import ClientError, FlexibleChecksumError
from django.conf import settings
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage

from media_graph import local_uploads, storage
from media_graph.s3 import object_key, presigning_client

UPLOADS = "uploads/"
_CHUNK = 1024 * 1024


def staged_key() -> str:
    return f"{UPLOADS}{uuid.uuid4().hex}"


def _on_s3() -> bool:
    return isinstance(default_storage, S3Storage)


@dataclass(frozen=True)
class Target:
    """Where and how the client sends the bytes (the contract's UploadTarget, less its id)."""

    url: str  # absolute on S3; a path of this app with local storage
    method: str
    headers: dict[str, str]
    fields: dict[str, str] = field(default_factory=dict)


def checksum_header(sha256_hex: str) -> str:
    """x-amz-checksum-sha256's value: the digest in base64, not hex."""
    return base64.b64encode(bytes.fromhex(sha256_hex)).decode()


def target(key: str, *, size: int, content_type: str, sha256: str, expires_in: int) -> Target:
    """A presigned PUT for exactly these bytes (no storage call: signing is local)."""
    headers = {"Content-Type": content_type}
    if not _on_s3():
        url = local_uploads.signed_url(
            key, size=size, content_type=content_type, sha256=sha256, expires_in=expires_in
        )
        return Target(url=url, method="PUT", headers=headers)
    headers["x-amz-checksum-sha256"] = checksum_header(sha256)
    url = presigning_client(default_storage).generate_presigned_url(
        "put_object",
        Params={
            "Bucket": default_storage.bucket_name,
            "Key": object_key(default_storage, key),
            # Signed headers: any other length, type or checksum fails the signature.
            "ContentLength": size,
            "ContentType": content_type,
            "ChecksumSHA256": headers["x-amz-checksum-sha256"],
        },
        ExpiresIn=expires_in,
        HttpMethod="PUT",
    )
    return Target(url=url, method="PUT", headers=headers)


def check_available() -> None:
    """One cheap call, so a target is never handed out for a storage that is down."""
    try:
        if _on_s3():
            default_storage.bucket.meta.client.head_bucket(Bucket=default_storage.bucket_name)
        else:
            Path(default_storage.path(UPLOADS)).mkdir(parents=True, exist_ok=True)
    except storage.STORAGE_ERRORS as exc:
        raise storage.storage_unavailable() from exc


class ChecksumMismatch(Exception):
    """The staged bytes do not hash to the x-amz-checksum-sha256 signed into their PUT.

    boto3 checks a checksum the storage hands back with the object (rclone keeps the
    header unchecked, so the bytes can differ from it): the declared sha256 it is.
    """


@dataclass
class StagedBytes:
    file: object  # an open binary file, at 0
    size: int  # bytes read, at most the limit + 1
    sha256: str


@contextmanager
def read(key: str, *, limit: int) -> Iterator[StagedBytes | None]:
    """The staged bytes, read once (at most `limit` + 1 of them) and hashed on the way.

    None when nothing was uploaded. On S3 the object streams into a temporary file;
    a local one is read where it is (it stays open through a move: same filesystem).
    """
    digest = hashlib.sha256()
    size = 0
    if _on_s3():
        file = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115 (closed below)
        try:
            client = default_storage.bucket.meta.client
            body = client.get_object(
                Bucket=default_storage.bucket_name, Key=object_key(default_storage, key)
            )["Body"]
            while size <= limit and (chunk := body.read(min(_CHUNK, limit + 1 - size))):
                file.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            body.close()
        except FlexibleChecksumError as exc:
            file.close()
            raise ChecksumMismatch() from exc
        except ClientError as exc:
            file.close()
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                yield None
                return
            raise storage.storage_unavailable() from exc
        except storage.STORAGE_ERRORS as exc:
            file.close()
            raise storage.storage_unavailable() from exc
    else:
        try:
            file = open(default_storage.path(key), "rb")  # noqa: SIM115 (closed below)
        except FileNotFoundError:
            yield None
            return
        except OSError as exc:
            raise storage.storage_unavailable() from exc
        while size <= limit and (chunk := file.read(min(_CHUNK, limit + 1 - size))):
            digest.update(chunk)
            size += len(chunk)
    file.seek(0)
    try:
        yield StagedBytes(file=file, size=size, sha256=digest.hexdigest())
    finally:
        file.close()


def promote(key: str, name: str) -> str:
    """Move the staged object to `name` (its original's key): one copy and one delete on
    S3 (server-side, no bytes through the app), a rename on a filesystem."""
    try:
        if _on_s3():
            client = default_storage.bucket.meta.client
            bucket = default_storage.bucket_name
            client.copy_object(
                Bucket=bucket,
                Key=object_key(default_storage, name),
                CopySource={"Bucket": bucket, "Key": object_key(default_storage, key)},
            )
        else:
            target_path = Path(default_storage.path(name))
            target_path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(default_storage.path(key), target_path)
            return name
    except storage.STORAGE_ERRORS as exc:
        raise storage.storage_unavailable() from exc
    storage.delete([key])  # best effort: the purge command catches what this leaves
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
