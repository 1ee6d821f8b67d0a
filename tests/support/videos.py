"""Test clips made with PyAV, returning encoded bytes: tiny, so the suite stays fast.

Every frame is one flat colour (COLOUR unless told), with a red MARKER block in the
stored top-left corner, so tests can check the poster's pixels and its rotation.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from fractions import Fraction

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


def resized_keyframe_clip(
    *, declared: int = 64, actual: int = 1200, at: float = 0.1, seconds: float = 2.0
) -> bytes:
    """A WebM (VP8) whose track declares `declared`x`declared`, with a keyframe `at` its
    duration (a share; 10% is where the poster is taken) that is `actual`x`actual`: each
    VP8 keyframe carries its own size, and nothing makes it agree with the track's.
    `at=0` makes the first frame the large one.

    Two encoders, one per size, their packets muxed into the one track; the large
    picture is shown twice (at `at` and at the end), so the clip stays quick to make.
    """
    rate = 10
    last = round(seconds * rate) - 1
    jump = round(seconds * rate * at)
    times = [*range(jump), jump, last]
    buf = io.BytesIO()
    with av.open(buf, "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=rate)
        stream.width, stream.height, stream.pix_fmt = declared, declared, "yuv420p"
        packets = [*(_encoded(declared, jump) if jump else []), *_encoded(actual, 2)]
        for pts, packet in zip(times, packets, strict=True):
            packet.stream = stream
            packet.pts = packet.dts = pts
            packet.time_base, packet.duration = Fraction(1, rate), 1
            container.mux(packet)
    return buf.getvalue()


def _encoded(side: int, frames: int, rate: int = 10) -> list:
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height, encoder.pix_fmt = side, side, "yuv420p"
    encoder.time_base, encoder.framerate = Fraction(1, rate), rate
    # One picture, repeated: the first packet is a keyframe, the others next to nothing.
    picture = frame_image(side, side)
    packets = []
    for index in range(frames):
        frame = av.VideoFrame.from_image(picture)
        frame.pts, frame.time_base = index, encoder.time_base
        packets += encoder.encode(frame)
    return packets + encoder.encode(None)
