"""Direct uploads: the client sends the bytes to storage, the API only checks them.

`photo_upload_create` refuses what it can from the declaration alone (size, type,
bytes this owner uploaded already) before a byte moves, and answers a presigned
target for a server-chosen key under `uploads/`. `photo_upload_finalize` claims the
staged upload (once: a second finalize finds nothing), reads the bytes once, checks
them as `photo_upload` does (services.upload_checks) and against the declaration,
moves them to `originals/` and writes the photo. Whatever fails, the staged object
is deleted; what nobody finalizes, `purge_uploads` deletes.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from media_graph import staging
from media_graph.imaging import video
from media_graph.models import Album, Photo, StagedUpload
from media_graph.services.photos import photo_add, photo_check_album
from media_graph.services.related import source_name_of
from media_graph.services.upload_checks import (
    check_not_duplicate,
    check_size,
    upload_check_file,
)
from media_graph.storage.base import ChecksumMismatch
from project import metrics
from project.codes import PayloadCode
from project.errors import field_error
from users.models import User

# What a client may declare; the bytes decide the stored type all the same.
# A declared video type lets the declaration be up to MAX_VIDEO_BYTES; finalize checks the
# limit again for what the bytes turn out to be.
VIDEO_CONTENT_TYPES = {v: k for k, v in video.CONTENT_TYPES.items()}
CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", *VIDEO_CONTENT_TYPES})
FILENAME_MAX_LENGTH = 255
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Control characters (NUL included) have no place in a file name, even as a hint.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A PUT that starts just before its target expires must still be finalizable.
FINALIZE_GRACE = timedelta(hours=1)
# Targets one owner may hold open at once: a client that stages without finalizing
# (a bug, or abuse with a stolen token) is stopped before it fills the table and bucket.
MAX_OPEN_UPLOADS = 100


@dataclass(frozen=True)
class UploadTarget:
    upload: StagedUpload
    target: staging.Target

    @property
    def expires_at(self) -> datetime:
        return self.upload.expires_at


def _check_declaration(*, filename: str, content_type: str, size_bytes: int, sha256: str) -> str:
    """The declared fields' bounds, in the order a client would fix them; answers the
    sha256 in lower case."""
    if len(filename) > FILENAME_MAX_LENGTH or _CONTROL.search(filename):
        raise field_error(
            "filename",
            f"A file name has at most {FILENAME_MAX_LENGTH} characters and no control characters.",
        )
    if content_type not in CONTENT_TYPES:
        raise field_error(
            "content_type",
            f"Uploads are {', '.join(sorted(CONTENT_TYPES))}.",
            PayloadCode.UNSUPPORTED_FORMAT,
        )
    if size_bytes < 1:
        raise field_error("size_bytes", "A file has at least one byte.")
    check_size(size_bytes, "size_bytes", video_format=VIDEO_CONTENT_TYPES.get(content_type))
    digest = sha256.lower()
    if not _SHA256.fullmatch(digest):
        raise field_error("sha256", "sha256 is the file's SHA-256 digest: 64 hexadecimal digits.")
    return digest


def photo_upload_create(
    *, owner: User, filename: str, content_type: str, size_bytes: int, sha256: str
) -> UploadTarget:
    """Stage an upload: checks first, then one storage call, then the row and the target."""
    digest = _check_declaration(
        filename=filename, content_type=content_type, size_bytes=size_bytes, sha256=sha256
    )
    check_not_duplicate(owner=owner, sha256=digest, field="sha256")
    open_uploads = StagedUpload.objects.filter(owner=owner, expires_at__gt=timezone.now())
    if open_uploads.count() >= MAX_OPEN_UPLOADS:
        metrics.rate_limited("open-uploads")
        raise ValidationError(
            f"At most {MAX_OPEN_UPLOADS} uploads may be open at once: finalize some, "
            "or wait until their targets expire.",
            code=PayloadCode.RATE_LIMITED,
        )
    staging.check_available()
    expires_in = settings.DIRECT_UPLOAD_EXPIRES_SECONDS
    upload = StagedUpload.objects.create(
        owner=owner,
        key=staging.staged_key(),
        filename=filename,
        content_type=content_type,
        size_bytes=size_bytes,
        sha256=digest,
        expires_at=timezone.now() + timedelta(seconds=expires_in),
    )
    target = staging.target(
        upload.key,
        size=size_bytes,
        content_type=content_type,
        sha256=digest,
        expires_in=expires_in,
    )
    return UploadTarget(upload=upload, target=target)


def _claim(owner: User, upload_id) -> StagedUpload:
    """The owner's staged upload, taken by deleting its row: of two finalizes racing, the
    second deletes nothing (PostgreSQL makes it wait for the first) and finds nothing.

    Raises StagedUpload.DoesNotExist for another owner's, an unknown or a stale one.
    """
    upload = StagedUpload.objects.filter(pk=upload_id, owner=owner).first()
    if upload is None:
        raise StagedUpload.DoesNotExist("No upload with this ID.")
    deleted, _ = StagedUpload.objects.filter(pk=upload.pk).delete()
    if not deleted:
        raise StagedUpload.DoesNotExist("No upload with this ID.")
    if timezone.now() > upload.expires_at + FINALIZE_GRACE:
        staging.discard(upload.key)
        raise StagedUpload.DoesNotExist("This upload expired.")
    return upload


_MISMATCH = "The stored bytes do not hash to the declared sha256."


@contextmanager
def _read_checked(upload: StagedUpload) -> Iterator[staging.StagedBytes]:
    """The staged bytes, once they are there and are what was declared."""
    try:
        with staging.read(upload.key, limit=upload.size_bytes) as staged:
            if staged is None:
                raise field_error("key", "Nothing was uploaded to this target.")
            if staged.size != upload.size_bytes:
                raise field_error(
                    "key",
                    f"The stored file does not have the {upload.size_bytes} bytes declared.",
                )
            if staged.sha256 != upload.sha256:
                raise field_error("sha256", _MISMATCH)
            yield staged
    except ChecksumMismatch:
        raise field_error("sha256", _MISMATCH) from None


def photo_upload_finalize(
    *,
    owner: User,
    upload_id,
    caption: str = "",
    alt_text: str = "",
    publish: bool = False,
    album: Album | None = None,
    group_pairs: bool = False,
) -> Photo:
    """Check the staged bytes as an upload's; `photo_add` then moves them to originals/
    (no bytes through the app) and writes the photo."""
    photo_check_album(album=album, owner=owner)
    upload = _claim(owner, upload_id)
    try:
        with _read_checked(upload) as staged:
            # The header only (format, sides, pixel limit, EXIF): the full decode is the
            # worker's, as a thumbnail set's first step, so a finalize costs the API a
            # read of the bytes (for the sha256) and no decode. Bytes that do not decode
            # make the photo FAILED there (issue 13's upload_direct target, RESULTS.md).
            checked = upload_check_file(
                owner=owner, file=staged.file, size=staged.size, sha256=staged.sha256, decode=False
            )
            return photo_add(
                owner=owner,
                checked=checked,
                store=lambda name: staging.promote(upload.key, name),
                source=staged.file,
                caption=caption,
                alt_text=alt_text,
                publish=publish,
                album=album,
                source_name=source_name_of(upload.filename) if group_pairs else "",
            )
    except ValidationError as error:
        # A storage that is not answering would spend a second deadline on the delete;
        # the purge command finds the staged object instead.
        if getattr(error, "code", None) != PayloadCode.STORAGE_UNAVAILABLE:
            staging.discard(upload.key)
        raise
    except BaseException:
        staging.discard(upload.key)
        raise


def photo_uploads_purge(*, older_than: timedelta, dry_run: bool = False) -> list[str]:
    """Delete staged objects (and rows) older than `older_than`; answers the objects' names."""
    cutoff = timezone.now() - older_than
    names = staging.purge(cutoff, dry_run=dry_run)
    if not dry_run:
        StagedUpload.objects.filter(created_at__lt=cutoff).delete()
    return names


def uploads_purge_age() -> timedelta:
    """How old a staged upload must be for beat's purge: past the longest a target may
    still be finalized, and at least a day, as the command's default."""
    finalizable = timedelta(seconds=settings.DIRECT_UPLOAD_EXPIRES_SECONDS) + FINALIZE_GRACE
    return max(timedelta(hours=24), finalizable)
