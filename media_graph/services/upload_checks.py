"""What an upload must pass before anything is stored: one service for both paths.

`uploadPhoto` (the bytes through the API) and `finalizePhotoUpload` (the bytes staged
in storage by the client) check a file the same way and in the same order, so they
answer the same code for the same bytes: size, format and pixels from the bytes, then
the owner's earlier photos. A file whose first bytes announce MP4, MOV or WebM is
checked as a video clip (imaging.video), every other as an image.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings

from media_graph import imaging, thumbnails
from media_graph.imaging import video
from media_graph.models import Photo
from media_graph.upload_handler import OversizedUpload, limit_for
from project.celery import broker_configured
from project.codes import PayloadCode
from project.errors import DuplicatePhoto, field_error
from users.models import User


@dataclass(frozen=True)
class CheckedFile:
    info: imaging.ImageInfo | video.VideoInfo
    sha256: str
    size: int


def sha256_of(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def check_size(
    size: int, field: str = "original", *, video_format: str | None = None, cut: bool = False
) -> None:
    """Within the limit of its kind; `cut` when the upload handler dropped it (its size is
    what arrived, and the request as a whole was too large)."""
    limit = limit_for(video_format)
    if size > limit or cut:
        message = f"The file is larger than {limit} bytes."
        raise field_error(field, message, PayloadCode.FILE_TOO_LARGE)


def video_format_of(file) -> str | None:
    """mp4, mov or webm when the file's first bytes say so; None for anything else."""
    if isinstance(file, OversizedUpload):
        return file.video_format
    file.seek(0)
    head = file.read(video.HEAD_BYTES)
    file.seek(0)
    return video.sniff(head)


def _probe_video(file, fmt: str) -> video.VideoInfo:
    try:
        return video.probe(
            file,
            fmt=fmt,
            max_pixels=settings.MAX_IMAGE_PIXELS,
            max_seconds=settings.MAX_VIDEO_SECONDS,
            max_aspect_ratio=settings.MAX_IMAGE_ASPECT_RATIO,
        )
    except video.VideoRejected as exc:
        raise field_error("original", str(exc), exc.code) from None


def check_not_duplicate(*, owner: User, sha256: str, field: str = "original") -> None:
    existing = Photo.objects.filter(owner=owner, sha256=sha256).first()
    if existing is not None:
        raise DuplicatePhoto(existing, field)


def upload_check_file(
    *, owner: User, file, size: int, sha256: str | None = None, decode: bool = True
) -> CheckedFile:
    """Size, then the bytes (format, pixels, sides), then duplicates; raises the code.

    `size` is how many bytes arrived (an upload cut short says so); `sha256` is the
    digest when the caller computed it while reading the bytes, else it is computed here.
    Without `decode` an image's pixels are left to the worker, and only its structure
    is checked here (see imaging.probe: a file cut short is refused all the same). A
    clip is always probed the same bounded way (its header, one frame, the last second's
    packets): that is what gives its rotation, and it never reads the file whole.
    """
    fmt = video_format_of(file)
    check_size(size, video_format=fmt, cut=isinstance(file, OversizedUpload))
    if fmt is not None:
        info = _probe_video(file, fmt)
        digest = sha256 or sha256_of(file)
        check_not_duplicate(owner=owner, sha256=digest)
        return CheckedFile(info=info, sha256=digest, size=size)
    try:
        info = imaging.probe(
            file,
            max_pixels=settings.MAX_IMAGE_PIXELS,
            max_aspect_ratio=settings.MAX_IMAGE_ASPECT_RATIO,
            # Inline, the set is made from this decode; a worker decodes from storage.
            keep_for=None if broker_configured() or not decode else thumbnails.largest_box(),
            decode=decode,
        )
    except imaging.ImageRejected as exc:
        raise field_error("original", str(exc), exc.code) from None
    digest = sha256 or sha256_of(file)
    check_not_duplicate(owner=owner, sha256=digest)
    return CheckedFile(info=info, sha256=digest, size=size)
