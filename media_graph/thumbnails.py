"""Thumbnails through easy-thumbnails aliases, recorded on the photo row.

The aliases live in settings.THUMBNAIL_ALIASES. A set is made from one decode: its
source generator (media_graph.imaging.sets.SetSource) decodes JPEGs at a reduced DCT
scale, hands each size over already resized from the one before, upright and in sRGB.
Names and pixel sizes go into `Photo.thumbnails`, so showing a thumbnail costs no query
and no storage round trip.
"""

import logging

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from easy_thumbnails.alias import aliases
from easy_thumbnails.files import Thumbnailer

from media_graph import storage
from media_graph.imaging.sets import SetSource

logger = logging.getLogger(__name__)

# Largest first: the set's source generator decodes once, for the first, and each
# smaller size starts from a larger one.
SIZES = ("large", "medium", "small")


class SetThumbnailer(Thumbnailer):
    """A Thumbnailer whose source generator is one set's SetSource.

    `source_generators` is the attribute easy-thumbnails documents for subclasses to
    replace (see easy_thumbnails.files.Thumbnailer); the other settings still apply.
    """

    def __init__(self, source, *, relative_name: str, generator: SetSource) -> None:
        # As easy_thumbnails.files.get_thumbnailer wraps a file it is handed.
        file = source.file if isinstance(source, File) else source
        super().__init__(file=file, name=relative_name, remote_source=True)
        self.source_generators = [generator]


def set_name(original: str, version: int) -> str:
    """The name the set `version` of `original` is derived from. A run of the same
    version writes the same names again, over what an earlier, failed run left; a new
    version (a recorded set replaced) gets new ones. The original's key stays its prefix
    (repair groups a set with its original by it)."""
    return f"{original}.v{version}"


def largest_box() -> tuple[int, int]:
    """The box of the largest size: what an image decoded ahead of time must serve."""
    return max((tuple(aliases.get(size)["size"]) for size in SIZES), key=lambda box: box[0])


def render(source, *, relative_name: str, decoded=None, images=None) -> dict[str, dict]:
    """Make and store every size from `source` (an open file); answers what was stored.

    `decoded` is the (full size, image) the upload's validation already decoded
    (imaging.probe(keep_for=largest_box())): then the source is not decoded again.
    `images`, a dict, receives each size's pixels as encoded (for the placeholders).

    Raises on failure, after deleting whatever it had stored and the name whose write
    was in flight (a write that timed out may still have landed): a failed set leaves no
    object behind. Names are derived from `relative_name` (see `set_name`).
    """
    thumbnailer = SetThumbnailer(source, relative_name=relative_name, generator=SetSource(decoded))
    made: dict[str, dict] = {}
    writing = None
    try:
        for size in SIZES:
            source.seek(0)
            thumbnail = thumbnailer.generate_thumbnail(aliases.get(size))
            writing = thumbnail.name
            storage.save(thumbnail.name, ContentFile(thumbnail.file.read()))
            if images is not None:
                images[size] = thumbnail.image
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
