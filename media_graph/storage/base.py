"""What the app asks of a media storage beyond Django's Storage API: one small protocol.

Both backends are the project's own classes (`s3.StableUrlS3Storage`,
`local.SignedFileSystemStorage`, chosen by STORAGES), and each implements every
method here in its own way, so no caller asks which one it has. Every method is one
storage call with the storage's one deadline, or a few for a listing or a batch, and
raises STORAGE_ERRORS as the storage does; none of them retries.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from botocore.exceptions import BotoCoreError, ClientError

# What a storage outage looks like: boto3's connection and HTTP errors for S3, OSError
# for a filesystem (disk full, permissions).
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)


@dataclass(frozen=True)
class Target:
    """Where and how the client sends the bytes (the contract's UploadTarget, less its id)."""

    url: str  # absolute on S3; a path of this app with local storage
    method: str
    headers: dict[str, str]
    fields: dict[str, str] = field(default_factory=dict)


class ChecksumMismatch(Exception):
    """Stored bytes do not hash to the x-amz-checksum-sha256 signed into their PUT.

    boto3 checks a checksum the storage hands back with the object (rclone keeps the
    header unchecked, so the bytes can differ from it): the declared sha256 it is.
    """


class MediaStorage(ABC):
    """The operations the media domain needs, mixed into each Django storage class."""

    @abstractmethod
    def read_bytes(self, name: str) -> bytes:
        """The whole object, in one call."""

    @abstractmethod
    def open_stream(self, name: str) -> BinaryIO:
        """The object open for reading from its start; FileNotFoundError when it is
        missing. A seekable answer is the object itself (nothing copied); a stream may
        raise ChecksumMismatch while it is read."""

    @abstractmethod
    def open_ranged(self, name: str) -> BinaryIO:
        """The object as a seekable file that fetches only the ranges it is asked for."""

    @abstractmethod
    def delete_many(self, names: list[str]) -> list[str]:
        """Delete the objects; answers the names still there (failures are logged)."""

    @abstractmethod
    def list_objects(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        """(name, last modified) of every object under `prefix`, in byte order of the
        name, one page at a time."""

    @abstractmethod
    def presign_put(
        self, name: str, *, size: int, content_type: str, sha256: str, expires_in: int
    ) -> Target:
        """A PUT target for exactly these bytes under `name` (signing is local: no call)."""

    @abstractmethod
    def check_writable(self, prefix: str) -> None:
        """One cheap call that fails when the storage cannot take writes under `prefix`."""

    @abstractmethod
    def promote(self, staged: str, name: str) -> None:
        """Move the object at `staged` to `name` without the bytes passing through here.

        The staged object may be left behind (S3 copies, then the caller deletes)."""
