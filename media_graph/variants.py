"""Image variants on the width ladder: their keys, their URLs, and rendering each once.

- Keys: `variants/<original's uuid>/v<VERSION>/<width>-<render>.<ext>`. The original's
  key is a fresh uuid, VERSION goes up whenever the rendition changes (imaging.variants'
  encodings), and each render writes under a token of its own, so a key never names
  other bytes (stored variants are cached for a year) and a render that loses a race
  deletes its own object, never the winner's.
- URLs: a variant's URL is the app's own, signed like local media (per window, so it is
  the same in every answer of a window) and computed from the photo's row alone: no
  query and no storage call per photo. Fetching it redirects to the stored object,
  rendering and storing it first the first time (media_graph.views).
- Audience: the URL says whom it was handed to, the owner (`own=1`, signed) or anyone.
  A fetch carries no credentials (an <img> tag sends none), so the view cannot ask who
  is looking; it can ask whether the photo is still what the URL's audience may see.
  Anyone's URL serves and renders only while the photo is public, so a URL copied
  while it was published stops working (404) once it is unpublished or deleted; the
  owner's works as long as the photo exists. (When other audiences come, e.g. approved
  followers, each gets a signed audience of its own checked the same way.)
- Render outside any transaction: a render takes seconds, and on SQLite a write
  transaction (BEGIN IMMEDIATE) would hold every other writer that long. The render
  comes first, then a short transaction claims the variant by inserting its row: of two
  renders of one variant (two processes), the unique constraint keeps one row and the
  loser deletes its object. Within a process, media_graph.render_slots bounds renders
  and lets one thread render a variant while the others wait for it.
"""

import io
import logging
import secrets
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction

from media_graph import storage
from media_graph.imaging import ladder as pixels
from media_graph.models import ImageVariant, Photo
from media_graph.render_slots import render_slot, single_flight
from media_graph.storage.signing import signature_valid, signed_query
from project.errors import storage_unavailable

logger = logging.getLogger(__name__)

VERSION = 1
PREFIX = "images/"  # the app's variant URLs: /images/<photo id>/v<version>/<width>.<ext>
SALT = "media_graph.variants"
Format = ImageVariant.Format
FORMAT_OF_EXTENSION = {ext: fmt for fmt, ext in pixels.EXTENSIONS.items()}
# What clients ask for most, made by the worker right after the thumbnail set.
AHEAD_WIDTHS = (320, 640, 1280)
AHEAD_FORMAT = "WEBP"


def key(original: str, width: int, fmt: str, render: str, version: int = VERSION) -> str:
    """The storage key of one render of a variant of the original stored under `original`."""
    stem = PurePosixPath(original).stem
    return f"variants/{stem}/v{version}/{width}-{render}.{pixels.EXTENSIONS[fmt]}"


def _path(photo_id: int, width: int, ext: str, version: int = VERSION) -> str:
    return f"{photo_id}/v{version}/{width}.{ext}"


def url(photo_id: int, width: int, fmt: str, *, own: bool = False) -> str:
    """The app's signed URL of a variant (root-relative): the same all window long.
    `own`: the URL handed to the photo's owner, which works while the photo exists."""
    path = _path(photo_id, width, pixels.EXTENSIONS[fmt])
    if own:
        return f"/{PREFIX}{path}?own=1&{signed_query(f'{path}/own', salt=SALT)}"
    return f"/{PREFIX}{path}?{signed_query(path, salt=SALT)}"


def url_audience(photo_id: int, version: int, width: int, ext: str, query) -> str | None:
    """The audience a URL was signed for ("owner" or "public"); None for a bad signature."""
    path = _path(photo_id, width, ext, version)
    if query.get("own") == "1":
        return "owner" if signature_valid(f"{path}/own", query, salt=SALT) else None
    return "public" if signature_valid(path, query, salt=SALT) else None


def _photos(public: bool):
    return Photo.objects.served_to_anyone() if public else Photo.objects.all()


def stored_name(photo_id: int, width: int, fmt: str, *, public: bool = False) -> str | None:
    """The key of the variant when it was made already (one query, no storage call);
    `public`: only while the photo is visible to anyone."""
    found = ImageVariant.objects.filter(photo_id=photo_id, width=width, format=fmt, version=VERSION)
    if public:
        found = found.filter(models.Exists(_photos(True).filter(pk=models.OuterRef("photo_id"))))
    return found.values_list("name", flat=True).first()


def variant_make(
    *, photo_id: int, width: int, fmt: str, public: bool = False, source: bytes | None = None
) -> str | None:
    """The stored variant's key, rendering and storing it first if nobody has yet.

    None when the photo is gone (or, for `public`, not public). Raises
    storage_unavailable when storage fails, RendersBusy when this process renders as
    many as it may. `source`: the rendition source's bytes, when the caller has them.
    """
    for _ in range(2):  # a second round when the render this one waited for failed
        if found := stored_name(photo_id, width, fmt, public=public):
            return found
        with single_flight((photo_id, width, fmt)) as leading:
            if leading:
                return _render_and_claim(photo_id, width, fmt, public, source)
    return stored_name(photo_id, width, fmt, public=public)


def _render_and_claim(
    photo_id: int, width: int, fmt: str, public: bool, source: bytes | None
) -> str | None:
    photo = _photos(public).filter(pk=photo_id).only("original", "kind", "thumbnails").first()
    # A video's variants are made from its poster, there once it is READY.
    if photo is None or (source_name := photo.rendition_source) is None:
        return None
    name = key(photo.original.name, width, fmt, secrets.token_hex(4))
    with render_slot():
        try:
            data = source if source is not None else storage.read(source_name)
            data, _ = pixels.render(io.BytesIO(data), width, fmt)
        except storage.STORAGE_ERRORS as exc:
            raise storage_unavailable() from exc
    storage.save(name, ContentFile(data))  # storage_unavailable on an outage
    try:
        with transaction.atomic():
            ImageVariant.objects.create(
                photo_id=photo_id,
                width=width,
                format=fmt,
                version=VERSION,
                name=name,
                size_bytes=len(data),
            )
    except IntegrityError:
        # Another render of this variant claimed it first (its row is found below), or
        # the photo was deleted meanwhile (its foreign key fails at commit, and its
        # delete task knew nothing of this object): either way this object goes.
        storage.delete([name])
        return stored_name(photo_id, width, fmt, public=public)
    except BaseException:
        storage.delete([name])
        raise
    return name


def variants_make_ahead(*, photo_id: int) -> list[str]:
    """The worker's: the widths clients ask for most, right after the thumbnail set, so
    their first fetches find them made. Best effort (the first fetch renders what is
    missing): a failure is logged, never raised. Answers the keys made or found."""
    photo = (
        Photo.objects.filter(pk=photo_id, processing_status=Photo.ProcessingStatus.READY)
        .only("original", "kind", "thumbnails", "width")
        .first()
    )
    if photo is None or (source_name := photo.rendition_source) is None:
        return []
    made = []
    try:
        source = storage.read(source_name)
        for width in sorted({pixels.rung_for(w, photo.width) for w in AHEAD_WIDTHS}):
            name = variant_make(photo_id=photo_id, width=width, fmt=AHEAD_FORMAT, source=source)
            if name is None:
                break  # deleted meanwhile
            made.append(name)
    except Exception:  # storage down, renders busy, anything: the first fetch renders it
        logger.exception("variants ahead for photo %s; made on first fetch instead", photo_id)
    return made
