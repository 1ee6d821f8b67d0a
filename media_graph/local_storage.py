"""Local media with signed, expiring URLs: the filesystem twin of a private S3 bucket.

Without signatures, anyone who learned a key could fetch a file for ever; a thumbnail's
name even contains its original's key, and originals keep their EXIF (GPS included).
Here every URL carries a signature of its path and time, and the app's media view
serves nothing without a valid, fresh one, like S3's presigned URLs.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.http import Http404
from django.views.static import serve

SALT = "media_graph.local_storage"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


class SignedFileSystemStorage(FileSystemStorage):
    """Signed URLs; a save overwrites whatever is under its name, as the S3 storage does.

    Keys are server-chosen (uuid originals, thumbnail names derived from them), so the
    name a caller asks for is the name it gets: no probing for a free alternative, and
    a file left behind by a failed write is replaced, not worked around.
    """

    def __init__(self, *args, allow_overwrite: bool = True, **kwargs):
        super().__init__(*args, allow_overwrite=allow_overwrite, **kwargs)

    def url(self, name):
        # sign() answers "<name>:<timestamp>:<signature>"; the URL carries what follows name.
        signature = _signer().sign(name)[len(name) + 1 :]
        return f"{super().url(name)}?{urlencode({'sig': signature})}"


def serve_signed(request, path: str):
    """Serve a local media file when its URL's signature is valid and not expired."""
    if settings.USE_S3:
        raise Http404("Media are on S3.")
    signature = request.GET.get("sig", "")
    try:
        _signer().unsign(f"{path}:{signature}", max_age=settings.MEDIA_URL_MAX_AGE)
    except signing.BadSignature:
        raise Http404("No such file.") from None
    return serve(request, path, document_root=settings.MEDIA_ROOT)
