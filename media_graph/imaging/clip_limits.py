"""Opening a clip with FFmpeg within bounds, and decoding it within the pixel limit.

The track's declared size says nothing of the frames: a keyframe further in may carry
a size of its own (VP8, VP9 and AV1 keyframes do; so do H.264's and H.265's new
parameter sets). So FFmpeg's own limit (`max_pixels`) is set on every decoder, which
refuses such a frame before its buffer is allocated, and every decoded frame is
checked again before anything converts it.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import IO

import av

from project.codes import PayloadCode

# FFmpeg reads at most this much to find the streams (the header of a well-formed file
# is far smaller), and gives up on a file that does not answer within the timeout.
_OPEN_OPTIONS = {"probesize": str(5 * 1024 * 1024), "analyzeduration": str(5_000_000)}
OPEN_TIMEOUT = 10.0  # seconds, per blocking read


class VideoRejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def open_clip(fileobj: IO[bytes], max_pixels: int):
    """Open for reading. `options` reach the decoders that finding the streams opens
    too, so the limit holds there as well."""
    fileobj.seek(0)
    options = {**_OPEN_OPTIONS, "max_pixels": str(max_pixels)}
    return av.open(fileobj, mode="r", options=options, timeout=OPEN_TIMEOUT)


def too_large(max_pixels: int) -> VideoRejected:
    return VideoRejected(
        PayloadCode.IMAGE_TOO_LARGE, f"A frame exceeds the limit of {max_pixels} pixels."
    )


@contextmanager
def decoding(stream, max_pixels: int):
    """Decode `stream` inside this block with FFmpeg's limit set.

    FFmpeg refuses a frame over `max_pixels` with EINVAL and zeroes the size it
    refused: that is how the refusal is told from other damage (image_too_large).
    """
    stream.codec_context.options = {"max_pixels": str(max_pixels)}
    try:
        yield
    except av.error.ArgumentError as exc:
        if not (stream.codec_context.width and stream.codec_context.height):
            raise too_large(max_pixels) from exc
        raise


def checked(frame, max_pixels: int):
    """The frame, once its size is known to be within the limit (a decoder might not
    heed FFmpeg's)."""
    if frame.width * frame.height > max_pixels:
        raise too_large(max_pixels)
    return frame
