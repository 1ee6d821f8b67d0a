"""Rows for tests that need data but not the upload path: photos, albums, global IDs."""

import base64
import itertools
from datetime import UTC, datetime, timedelta

from media_graph.library import search
from media_graph.models import Album, AlbumPhoto, Photo
from media_graph.services.photos import photo_publish
from media_graph.services.tags import photo_set_tags
from media_graph.tags import parse_tags

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)  # "now" of row-made photos: dates never drift
_unique = itertools.count()


def b64(text: str) -> str:
    """`text` in base64: how global IDs and cursors are made, and how to forge one."""
    return base64.b64encode(text.encode()).decode()


def gid(type_name: str, pk) -> str:
    """A Relay global ID, made here rather than by the app so tests check the app's."""
    return b64(f"{type_name}:{pk}")


def photo_row(owner, caption: str = "", *, published: bool = True, published_at=None) -> Photo:
    """A photo row (no file). Published ones get T0 + n minutes unless told otherwise.

    Counters are not moved: use make_photo() where they must agree, or recount.
    """
    n = next(_unique)
    if published and published_at is None:
        published_at = T0 + timedelta(minutes=n)
    return Photo.objects.create(
        owner=owner,
        status=Photo.Status.PUBLISHED if published else Photo.Status.DRAFT,
        published_at=published_at if published else None,
        caption=caption,
        # As the upload service writes it, so that search finds rows made here too.
        search_document=search.document(caption, "", parse_tags(caption)),
        original=f"originals/row-{n}.jpg",
        content_type="image/jpeg",
        size_bytes=1000 + n,
        sha256=f"{n:064x}",
        width=64,
        height=48,
        thumbnails={},
    )


def make_photo(owner, caption: str = "", *, publish: bool = True) -> Photo:
    """A photo row with its #tags, published through the service (a draft with
    publish=False): every counter agrees."""
    photo = photo_row(owner, caption, published=False)
    photo_set_tags(photo=photo)
    if publish:
        photo = photo_publish(photo=photo, actor=owner)
    return photo


def make_album(
    owner, title: str = "Album", *, visibility="PRIVATE", photos=(), cover=None, description=""
) -> Album:
    album = Album.objects.create(
        owner=owner, title=title, description=description, visibility=visibility, cover=cover
    )
    AlbumPhoto.objects.bulk_create(
        AlbumPhoto(album=album, photo=photo, position=i) for i, photo in enumerate(photos, 1)
    )
    return album
