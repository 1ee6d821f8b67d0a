"""A clip's packets in a new container that says nothing of where, when or on what it
was recorded: what everyone but its owner plays.

Stream copy, never a re-encode: the video track and the first audio track, their
packets as they are, into the same kind of container. No container, stream or chapter
metadata is copied (location, creation_time, make, model, encoder, handler names,
Apple's timed-metadata tracks), and FFmpeg's bit-exact mode keeps its own version tags
out. What playback needs is codec data, which is kept: the codec parameters and the
display matrix (the rotation).
"""

from __future__ import annotations

from typing import IO

import av

from media_graph.imaging.clip_limits import open_clip

_MUXERS = {"mp4": "mp4", "mov": "mov", "webm": "webm"}


def strip_metadata(source: IO[bytes], target: IO[bytes], *, fmt: str, max_pixels: int) -> None:
    """Write `source` (a clip that probe accepted as `fmt`) to `target` without metadata.

    `target` must be seekable (a temporary file): the muxers go back to write indexes.
    """
    with (
        open_clip(source, max_pixels) as clip,
        av.open(target, "w", format=_MUXERS[fmt], container_options={"fflags": "+bitexact"}) as out,
    ):
        video = clip.streams.video[0]
        copied = [video]
        # An audio codec this container cannot hold is left out rather than failing the clip.
        copied += [
            a for a in clip.streams.audio[:1] if a.codec_context.name in out.supported_codecs
        ]
        streams = {stream.index: out.add_stream_from_template(stream) for stream in copied}
        for packet in clip.demux(copied):
            if packet.dts is None:
                continue  # the demuxer's end-of-stream marker, no data
            packet.stream = streams[packet.stream.index]
            out.mux(packet)
