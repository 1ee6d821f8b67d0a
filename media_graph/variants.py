"""Image variants on the width ladder: their keys, their URLs, and rendering each once.

- Keys: `variants/<original's uuid>/v<VERSION>/<width>.<ext>`. The original's key is a
  fresh uuid, and VERSION goes up whenever the rendition changes (imaging.variants'
  encodings), so a key never names other bytes: stored variants are cached for a year.
- URLs: a variant's URL is the app's own, signed like local media (per window, so it is
  the same in every answer of a window) and computed from the photo's row alone: no
  query and no storage call per photo. Fetching it redirects to the stored object,
  rendering and storing it first the first time (media_graph.views).
- Render once: concurrent first fetches of one variant take a lock of that variant;
  the first renders and records the row, the others find the row and redirect.
"""

import hashlib
import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction

from media_graph import storage
from media_graph.imaging import ladder as pixels
from media_graph.models import ImageVariant, Photo
from media_graph.storage.signing import signature_valid, signed_query
from project.errors import storage_unavailable

VERSION = 1
PREFIX = "images/"  # the app's variant URLs: /images/<photo id>/v<version>/<width>.<ext>
SALT = "media_graph.variants"
Format = ImageVariant.Format
FORMAT_OF_EXTENSION = {ext: fmt for fmt, ext in pixels.EXTENSIONS.items()}


def key(original: str, width: int, fmt: str, version: int = VERSION) -> str:
    """The storage key of a variant of the original stored under `original`."""
    stem = PurePosixPath(original).stem
    return f"variants/{stem}/v{version}/{width}.{pixels.EXTENSIONS[fmt]}"


def _path(photo_id: int, width: int, fmt: str) -> str:
    return f"{photo_id}/v{VERSION}/{width}.{pixels.EXTENSIONS[fmt]}"


def url(photo_id: int, width: int, fmt: str) -> str:
    """The app's signed URL of a variant (root-relative): the same all window long."""
    path = _path(photo_id, width, fmt)
    return f"/{PREFIX}{path}?{signed_query(path, salt=SALT)}"


def url_is_signed(photo_id: int, version: int, width: int, ext: str, query) -> bool:
    return signature_valid(f"{photo_id}/v{version}/{width}.{ext}", query, salt=SALT)


def stored_name(photo_id: int, width: int, fmt: str) -> str | None:
    """The key of the variant when it was made already (one query, no storage call)."""
    return (
        ImageVariant.objects.filter(photo_id=photo_id, width=width, format=fmt, version=VERSION)
        .values_list("name", flat=True)
        .first()
    )


def _lock(photo_id: int, width: int, fmt: str) -> None:
    """Hold the render lock of one variant until the transaction ends.

    PostgreSQL: an advisory transaction lock keyed on the variant, not a row lock on
    the photo: a photo row lock would make every like or comment on the photo (they
    update its counters) wait behind a render, and would serialise different widths
    too. It is released with the transaction, however it ends (a dead worker's too).
    SQLite: write transactions begin IMMEDIATE (project/settings.py), which already
    serialises them; the row is written in it, so the first writer wins the same way.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"variant:{photo_id}:{width}:{fmt}:{VERSION}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )


def variant_make(*, photo_id: int, width: int, fmt: str) -> str | None:
    """The stored variant's key, rendering and storing it first if nobody has yet.

    None when the photo is gone. Raises storage_unavailable when storage fails (the
    object possibly stored is removed). A burst of first fetches renders once: the
    others wait for the lock, then find the row.
    """
    name = None
    try:
        with transaction.atomic():
            _lock(photo_id, width, fmt)
            if found := stored_name(photo_id, width, fmt):
                return found
            photo = Photo.objects.filter(pk=photo_id).only("original", "kind", "thumbnails").first()
            # A video's variants are made from its poster, there once it is READY.
            if photo is None or (source_name := photo.rendition_source) is None:
                return None
            name = key(photo.original.name, width, fmt)
            try:
                source = io.BytesIO(storage.read(source_name))
                data, _ = pixels.render(source, width, fmt)
            except storage.STORAGE_ERRORS as exc:
                raise storage_unavailable() from exc
            storage.save(name, ContentFile(data))
            ImageVariant.objects.create(
                photo_id=photo_id,
                width=width,
                format=fmt,
                version=VERSION,
                name=name,
                size_bytes=len(data),
            )
    except IntegrityError:
        if found := stored_name(photo_id, width, fmt):
            return found  # made meanwhile under the same key (the lock makes this rare)
        # The photo was deleted while its variant was made (its foreign key fails when
        # the transaction commits): its delete task knew nothing of this object.
        storage.delete([name])
        return None
    except BaseException:
        if name is not None:
            storage.delete([name])
        raise
    return name
