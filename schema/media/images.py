"""What Photo.image and Photo.srcSet answer, from the row alone (no query, no storage)."""

from dataclasses import dataclass

from media_graph import variants
from media_graph.imaging.ladder import height_for, rung_for, rungs
from media_graph.models import Photo
from schema.core.errors import BadUserInput

MAX_REQUESTED_WIDTH = 10_000


@dataclass(frozen=True)
class Variant:
    url: str  # root-relative
    width: int
    height: int


def variant(photo: Photo, requested: int, fmt: str, *, own: bool) -> Variant | None:
    """`own`: the viewer is the owner, whose URLs work while the photo exists (others'
    only while it is public: media_graph.variants)."""
    if not 1 <= requested <= MAX_REQUESTED_WIDTH:
        raise BadUserInput(f"width must be 1 to {MAX_REQUESTED_WIDTH}, not {requested}.")
    if photo.processing_status != Photo.ProcessingStatus.READY:
        return None
    width = rung_for(requested, photo.width)
    height = height_for(width, (photo.width, photo.height))
    return Variant(variants.url(photo.pk, width, fmt, own=own), width, height)


def src_set(photo: Photo, fmt: str, *, own: bool) -> list[tuple[str, int]] | None:
    if photo.processing_status != Photo.ProcessingStatus.READY:
        return None
    return [(variants.url(photo.pk, width, fmt, own=own), width) for width in rungs(photo.width)]
