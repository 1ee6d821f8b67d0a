"""Thumbnails through easy-thumbnails aliases, recorded on the photo row.

The aliases live in settings.THUMBNAIL_ALIASES; the source generator
(media_graph.imaging.draft_source_generator) decodes JPEGs at a reduced DCT scale and
applies EXIF orientation. Names and pixel sizes go into `Photo.thumbnails`, so showing
a thumbnail costs no query and no storage round trip.
"""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from easy_thumbnails.alias import aliases
from easy_thumbnails.files import get_thumbnailer

from media_graph import storage
from media_graph.imaging import DECODED

logger = logging.getLogger(__name__)

# Largest first: the source generator decodes once, for the first, and reuses it.
SIZES = ("large", "medium", "small")


def largest_box() -> tuple[int, int]:
    """The box of the largest size: what an image decoded ahead of time must serve."""
    return max((tuple(aliases.get(size)["size"]) for size in SIZES), key=lambda box: box[0])


def render(source, *, relative_name: str, decoded=None) -> dict[str, dict]:
    """Make and store every size from `source` (an open file); answers what was stored.

    `decoded` is the (full size, image) the upload's validation already decoded
    (imaging.probe(keep_for=largest_box())): then the source is not decoded again.

    Raises on failure, after deleting whatever it had stored and the name whose write
    was in flight (a write that timed out may still have landed): a failed set leaves no
    object behind. Names are derived from `relative_name`, so a retry writes the same
    names again, over anything an earlier failure left there.
    """
    thumbnailer = get_thumbnailer(source, relative_name=relative_name)
    if decoded is not None:
        setattr(thumbnailer, DECODED, decoded)
    made: dict[str, dict] = {}
    writing = None
    try:
        for size in SIZES:
            source.seek(0)
            thumbnail = thumbnailer.generate_thumbnail(aliases.get(size))
            kept = getattr(thumbnailer, DECODED, None)
            if kept is not None:
                # The next, smaller size starts from this one rather than from the decode:
                # resizing 1280 px to 640 costs a fraction of 2000 px to 640 (the source
                # generator still checks that it is big enough).
                setattr(thumbnailer, DECODED, (kept[0], thumbnail.image))
            writing = thumbnail.name
            storage.save(thumbnail.name, ContentFile(thumbnail.file.read()))
            made[size] = {
                "name": thumbnail.name,
                "width": thumbnail.image.width,
                "height": thumbnail.image.height,
            }
            writing = None
    except BaseException:
        # One call (one deadline) for the lot.
        storage.delete([*(entry["name"] for entry in made.values()), writing])
        raise
    return made


def open_original(name: str):
    return default_storage.open(name, "rb")
