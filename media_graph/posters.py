"""A video's poster: one frame, decoded by the worker, stored as a JPEG beside its set.

The poster is what every image of a video is made from (the thumbnail set, the ladder
variants, the placeholders), so it is stored as an object of its own and recorded as
`thumbnails["poster"]`: deleting what a set names (a photo, an account) deletes it too.
Its key sits with its set's thumbnails (`thumbnails/<set name>.poster.jpg`), so the
repair command's sweep groups it with its original like any thumbnail.
"""

import io

from django.conf import settings
from django.core.files.base import ContentFile

from media_graph import storage
from media_graph.imaging import video

QUALITY = 90  # the source of further renditions: a little above theirs


def key(set_name: str) -> str:
    return f"thumbnails/{set_name}.poster.jpg"


def make(source, *, set_name: str, duration: float) -> tuple[dict, bytes]:
    """Decode the poster from `source` (an open clip), store it; answers its entry and bytes.

    A fresh image carries no metadata, so the poster (and all made from it) has no GPS.
    A frame over MAX_IMAGE_PIXELS raises video.VideoRejected: the photo ends FAILED.
    """
    image = video.poster(source, duration=duration, max_pixels=settings.MAX_IMAGE_PIXELS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)
    data = out.getvalue()
    name = storage.save(key(set_name), ContentFile(data))
    return {"name": name, "width": image.width, "height": image.height}, data
