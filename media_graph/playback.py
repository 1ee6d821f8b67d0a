"""The copy of a clip that everyone but its owner plays: the same packets, no metadata.

A phone's clip says where and when it was recorded (an ISO 6709 location, a creation
time) and on what; the owner keeps the original (and its `exif`), others are handed
this copy, made by the worker with the poster (imaging/remux.py: stream copy, no
re-encode). Like the poster it is recorded in the photo's set, as
`thumbnails["playback"]`, so whatever deletes what a set names (a photo, an account)
deletes it too, and the repair sweep counts it. Its key is derived from its set's name
(`thumbnails/<original>.v<version>.playback.<ext>`, thumbnails.set_name): the server
chooses it, no other photo ever has it, a retry overwrites its own, and a new set
gets a new one.
"""

import tempfile

from django.conf import settings
from django.core.files import File

from media_graph import storage
from media_graph.imaging import remux

ENTRY = "playback"
# Kept in memory up to this size, then on disk: a clip may be MAX_VIDEO_BYTES.
_SPOOL_BYTES = 8 * 1024 * 1024


def key(original: str, set_name: str) -> str:
    """The copy's key in the set `set_name` of the clip stored as `original`."""
    extension = original.rpartition(".")[2]
    return f"thumbnails/{set_name}.{ENTRY}.{extension}"


def make(source, *, original: str, name: str) -> dict:
    """Remux `source` (the open clip stored as `original`) and store the copy under
    `name` (`key`); answers its entry for the set. On failure the caller deletes `name`:
    a write that timed out may have landed."""
    fmt = original.rpartition(".")[2]
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as copy:
        remux.strip_metadata(source, copy, fmt=fmt, max_pixels=settings.MAX_IMAGE_PIXELS)
        size = copy.tell()
        copy.seek(0)
        stored = storage.save(name, File(copy, name=name))
    return {"name": stored, "size": size}
