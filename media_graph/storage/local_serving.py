"""Local media served as S3 serves objects: signature checked, Cache-Control, an ETag,
304 when it matches, and one byte range when asked (206, or 416 past the end), which
video players need to seek.
"""

import mimetypes
import os
import re

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from media_graph.storage import url_windows
from media_graph.storage.signing import signature_valid

# Python 3.11's mimetypes does not know AVIF yet; the video types are named to be sure.
_TYPES = {
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
}
# One range, as players ask: "bytes=START-", "bytes=START-END" or "bytes=-SUFFIX".
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def serve_signed(request, path: str):
    """Serve a local media file when its URL's signature is valid and not expired."""
    if settings.USE_S3 or not signature_valid(path, request.GET):
        raise Http404("No such file.")
    try:
        full = safe_join(settings.MEDIA_ROOT, path)
        stat = os.stat(full)
    except (OSError, SuspiciousFileOperation):
        raise Http404("No such file.") from None
    # Keys are never reused for other bytes, so size and time of writing name the bytes.
    etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
    response = get_conditional_response(request, etag=etag, last_modified=int(stat.st_mtime))
    if response is None:
        content_type = _TYPES.get(os.path.splitext(full)[1].lower()) or (
            mimetypes.guess_type(full)[0] or "application/octet-stream"
        )
        response = _ranged(request, full, stat.st_size, etag, content_type)
        response["Last-Modified"] = http_date(stat.st_mtime)
    response["ETag"] = etag
    response["Cache-Control"] = url_windows.CACHE_CONTROL
    response["Accept-Ranges"] = "bytes"
    return response


def _requested_range(request, size: int, etag: str) -> tuple[int, int] | bool | None:
    """(first, last) byte of the Range asked for; None for the whole file (no Range, one
    that is not a single byte range, or an If-Range for other bytes), False if unsatisfiable.
    """
    header = request.headers.get("Range", "")
    match = _RANGE.fullmatch(header.strip())
    if not match or not any(match.groups()):
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range != etag:
        return None  # the client holds other bytes: send it all
    start, end = match.groups()
    if not start:  # the last `end` bytes
        suffix = int(end)
        return (max(0, size - suffix), size - 1) if suffix and size else False
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    if first >= size or last < first:
        return False
    return first, last


def _ranged(request, full: str, size: int, etag: str, content_type: str):
    wanted = _requested_range(request, size, etag)
    if wanted is False:
        response = HttpResponse(status=416, content_type="text/plain")
        response["Content-Range"] = f"bytes */{size}"
        return response
    file = open(full, "rb")  # noqa: SIM115 (the response closes it)
    if wanted is None:
        return FileResponse(file, content_type=content_type)
    first, last = wanted
    file.seek(first)
    response = FileResponse(_Slice(file, last - first + 1), content_type=content_type, status=206)
    response["Content-Length"] = str(last - first + 1)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response


class _Slice:
    """The next `length` bytes of an open file, for a FileResponse to stream and close."""

    def __init__(self, file, length: int) -> None:
        self._file, self._left = file, length

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._file.read(size)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()
