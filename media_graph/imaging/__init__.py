"""Photos' pixels: upload validation, the EXIF summary, decoding for thumbnails.

Pure Pillow on purpose: nothing here imports Django, so it is unit-testable without settings.
"""

from media_graph.imaging.decoding import ALLOWED_FORMATS, draft_source_generator
from media_graph.imaging.probing import MAX_ASPECT_RATIO, ImageInfo, ImageRejected, probe

__all__ = [
    "ALLOWED_FORMATS",
    "MAX_ASPECT_RATIO",
    "ImageInfo",
    "ImageRejected",
    "draft_source_generator",
    "probe",
]
