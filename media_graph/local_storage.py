"""Local media with signed, expiring URLs: the filesystem twin of a private S3 bucket.

Without signatures, anyone who learned a key could fetch a file for ever; a thumbnail's
name even contains its original's key, and originals keep their EXIF (GPS included).
Here every URL carries a signature of its path and its expiry, and the app's media view
serves nothing without a valid, unexpired one, like S3's presigned URLs. Signatures are
made per window (media_graph.url_windows), so a file's URL stays the same for a while,
and files are served as S3 serves them: Cache-Control, an ETag, 304 when it matches.
"""

import base64
import functools
import hashlib
import hmac
import mimetypes
import os

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.utils.cache import get_conditional_response
from django.utils.crypto import constant_time_compare
from django.utils.http import http_date

from media_graph import url_windows

SALT = "media_graph.local_storage"
# Python 3.11's mimetypes does not know AVIF yet.
_TYPES = {".avif": "image/avif", ".webp": "image/webp"}


@functools.lru_cache(maxsize=16)
def _key(salt: str, secret: str) -> bytes:
    # Derived once per salt (and secret), as django.utils.crypto.salted_hmac derives it
    # on every call: a srcSet signs 8 URLs per photo, so the derivation showed.
    return hashlib.sha256(f"{salt}signer{secret}".encode()).digest()


def _signature(value: str, salt: str) -> str:
    digest = hmac.new(_key(salt, settings.SECRET_KEY), value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_query(path: str, *, salt: str = SALT) -> str:
    """The query string that makes `path` fetchable until the current window's expiry.

    Nothing in it needs escaping (digits; URL-safe base64), so no urlencode per URL.
    """
    expires = url_windows.expires_at()
    return f"exp={expires}&sig={_signature(f'{path}:{expires}', salt)}"


def signature_valid(path: str, query, *, salt: str = SALT) -> bool:
    """Whether `query` (request.GET) carries an unexpired signature of `path`."""
    expires, signature = query.get("exp", ""), query.get("sig", "")
    if not expires.isdigit() or int(expires) <= url_windows.now():
        return False
    return constant_time_compare(signature, _signature(f"{path}:{expires}", salt))


class SignedFileSystemStorage(FileSystemStorage):
    """Signed URLs; a save overwrites whatever is under its name, as the S3 storage does.

    Keys are server-chosen (uuid originals, thumbnail names derived from them), so the
    name a caller asks for is the name it gets: no probing for a free alternative, and
    a file left behind by a failed write is replaced, not worked around.
    """

    def __init__(self, *args, allow_overwrite: bool = True, **kwargs):
        super().__init__(*args, allow_overwrite=allow_overwrite, **kwargs)

    def url(self, name):
        return f"{super().url(name)}?{signed_query(name)}"


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
        response = FileResponse(open(full, "rb"), content_type=content_type)  # noqa: SIM115
        response["Last-Modified"] = http_date(stat.st_mtime)
    response["ETag"] = etag
    response["Cache-Control"] = url_windows.CACHE_CONTROL
    return response
