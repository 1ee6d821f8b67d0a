"""With local storage, the app itself is the presigned target: a signed, expiring PUT.

The filesystem twin of S3's presigned PUT (media_graph.staging), so the direct-upload
flow works under `make run` with nothing else running. The URL's signature names the
staged key, the exact length, the content type and the sha256; the view accepts a
body with exactly those, streamed to a temporary file beside the staged key (never
into memory) and renamed into place only once every byte checked out. Like S3 it
answers 403 for a bad or expired signature and writes nothing then.
"""

import hashlib
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from media_graph.models import StagedUpload

SALT = "media_graph.local_uploads"  # the salt signatures were first made with
_CHUNK = 1024 * 1024


def signed_url(key: str, *, size: int, content_type: str, sha256: str, expires_in: int) -> str:
    """The path to PUT the bytes to; the signature expires `expires_in` seconds from now."""
    expires = int(time.time()) + expires_in
    claims = {"k": key, "n": size, "t": content_type, "s": sha256, "x": expires}
    token = signing.dumps(claims, salt=SALT, compress=True)
    path = reverse("local-upload", kwargs={"name": key.rpartition("/")[2]})
    return f"{path}?{urlencode({'sig': token})}"


def _refuse(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain")


@csrf_exempt  # no cookie ever authenticates here: the signature is the credential
def receive(request, name: str):
    if settings.USE_S3:
        return _refuse(404, "Uploads go to S3.")
    if request.method != "PUT":
        return HttpResponseNotAllowed(["PUT"])
    token = request.GET.get("sig", "")
    try:
        claims = signing.loads(token, salt=SALT)
        expired = time.time() > claims["x"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        expired = True
    if expired or claims.get("k") != f"uploads/{name}":
        return _refuse(403, "The signature is not valid, or it expired.")
    if request.content_type != claims["t"]:
        return _refuse(403, f"Content-Type must be {claims['t']}.")
    if request.META.get("CONTENT_LENGTH") != str(claims["n"]):
        return _refuse(403, f"Content-Length must be {claims['n']}.")
    if not _still_staged(claims["k"]):
        return _refuse(403, _CLOSED)
    return _store(request, claims)


_CLOSED = "This upload was finalized (or given up): its target takes no more bytes."


def _still_staged(key: str) -> bool:
    """Whether the staged upload's row is still there. Finalize deletes it (whatever its
    outcome), so a PUT after finalize would leave a file that no row refers to; unlike
    S3's presigned URL (which cannot be revoked: the purge deletes what lands there),
    this target can refuse it."""
    return StagedUpload.objects.filter(key=key).exists()


def _store(request, claims: dict) -> HttpResponse:
    final = Path(default_storage.path(claims["k"]))
    final.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=final.parent, delete=False) as partial:
        try:
            # Django's stream stops at Content-Length, which was checked to be the size.
            while chunk := request.read(_CHUNK):
                size += len(chunk)
                digest.update(chunk)
                partial.write(chunk)
        except BaseException:
            os.unlink(partial.name)
            raise
    if size != claims["n"] or digest.hexdigest() != claims["s"]:
        os.unlink(partial.name)
        return _refuse(400, "The bytes are not the ones declared (length or sha256).")
    if not _still_staged(claims["k"]):  # finalized while the bytes streamed
        os.unlink(partial.name)
        return _refuse(403, _CLOSED)
    os.replace(partial.name, final)
    return HttpResponse(status=200)
