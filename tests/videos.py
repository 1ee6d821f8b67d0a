"""Test clips made with PyAV, returning encoded bytes: tiny, so the suite stays fast.

Every frame is one flat colour (COLOUR unless told), with a red MARKER block in the
stored top-left corner, so tests can check the poster's pixels and its rotation.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import av
from PIL import Image, ImageDraw

COLOUR = (30, 90, 200)
MARKER = (255, 0, 0)


def frame_image(width: int, height: int, colour=COLOUR) -> Image.Image:
    img = Image.new("RGB", (width, height), colour)
    side = max(2, min(width, height) // 3)
    ImageDraw.Draw(img).rectangle((0, 0, side - 1, side - 1), fill=MARKER)
    return img


def clip(
    *,
    fmt: str = "mp4",
    codec: str = "libx264",
    width: int = 64,
    height: int = 48,
    seconds: float = 1.0,
    rate: int = 10,
    rotation: int | None = None,
    metadata: dict[str, str] | None = None,
    colour_at: Callable[[int], tuple[int, int, int]] | None = None,
    grain: bool = False,
    keyframe_every: int | None = None,
) -> bytes:
    """An encoded clip: `fmt` is FFmpeg's muxer (mp4, mov, webm, matroska).

    `grain` adds noise (a few fields, cycled), so frames take the bytes a camera's would.
    """
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as container:
        container.metadata.update(metadata or {})
        options = {"g": str(keyframe_every)} if keyframe_every else {}
        stream = container.add_stream(codec, rate=rate, options=options)
        noise = [Image.effect_noise((width, height), 60).convert("RGB") for _ in range(4)]
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if rotation is not None:
            stream.set_display_rotation(rotation)
        frames = round(seconds * rate)
        for index in range(frames):
            colour = colour_at(index) if colour_at else COLOUR
            picture = frame_image(width, height, colour)
            if grain:
                picture = Image.blend(picture, noise[index % len(noise)], 0.3)
            frame = av.VideoFrame.from_image(picture)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return buf.getvalue()


def audio_only(*, fmt: str = "mp4", seconds: float = 1.0) -> bytes:
    """An AAC track alone, in an MP4 (what a voice memo looks like)."""
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as container:
        stream = container.add_stream("aac", rate=8000)
        samples = int(seconds * 8000)
        frame = av.AudioFrame(format="fltp", layout="mono", samples=1024)
        frame.sample_rate = 8000
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        for index in range(0, samples, 1024):
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return buf.getvalue()
