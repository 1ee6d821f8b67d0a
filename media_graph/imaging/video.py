"""Video clips (PyAV): recognise a container, probe it within bounds, decode a poster.

Like the rest of imaging/, no Django here. The bytes decide: `sniff` reads the first
bytes of a file (an ISO BMFF `ftyp` box, or an EBML header whose doctype is webm), and
`probe` opens it with FFmpeg limited to reading the container header (probesize,
analyzeduration) and decodes one frame from the start and demuxes (never decodes) the
packets of the last second, so a truncated file is caught without reading it whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

import av
from PIL import Image, ImageStat

from media_graph.imaging.clip_limits import VideoRejected, checked, decoding, open_clip, too_large
from media_graph.imaging.exif import camera_name
from project.codes import PayloadCode

# The containers accepted, with their codecs (FFmpeg's decoder names).
CODECS = {
    "mp4": frozenset({"h264", "hevc", "av1", "libdav1d"}),
    "mov": frozenset({"h264", "hevc", "av1", "libdav1d"}),
    "webm": frozenset({"vp8", "vp9", "av1", "libdav1d", "libvpx", "libvpx-vp9"}),
}
CONTENT_TYPES = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}
# FFmpeg's demuxer for each (MP4 and MOV share one; Matroska and WebM too).
_DEMUXERS = {"mp4": "mov,mp4,m4a,3gp,3g2,mj2", "mov": "mov,mp4,m4a,3gp,3g2,mj2"}
_DEMUXERS["webm"] = "matroska,webm"
# ISO BMFF brands of still images (AVIF, HEIF): an `ftyp` box does not make a video.
_IMAGE_BRANDS = frozenset(
    {b"avif", b"avis", b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
)
_EBML = b"\x1a\x45\xdf\xa3"
HEAD_BYTES = 64  # what sniff needs

# Packets read to find the first frame, and at the end; a sane clip needs a few.
_MAX_PACKETS = 600
# The end check: demux from a keyframe this far before the declared end.
_END_WINDOW = 1.0
# Where the poster is taken from, as a share of the duration, and how many frames
# after it are tried when it is (nearly) black, like a fade-in.
POSTER_AT = 0.1
_POSTER_TRIES = 120
_BLACK_LUMA = 20  # mean luma (0-255) below which a frame counts as black
# Damaged data comes out of FFmpeg through PyAV as any of these.
_BROKEN = (av.FFmpegError, OSError, ValueError, IndexError, EOFError, StopIteration)
_ISO6709 = re.compile(r"([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")


@dataclass(frozen=True)
class VideoInfo:
    """What a probe found; the same names as imaging.ImageInfo where they mean the same."""

    format: str  # mp4, mov or webm
    content_type: str
    extension: str
    width: int  # as shown: after the container's rotation
    height: int
    duration_seconds: float
    rotation: int  # counter-clockwise degrees the frames are turned by to be shown
    codec: str
    exif: dict[str, Any]
    taken_at: datetime | None
    decoded = None  # nothing is kept for the thumbnails: the worker decodes the poster


def sniff(head: bytes) -> str | None:
    """The container the first bytes announce (mp4, mov, webm), or None."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return None
        return "mov" if brand == b"qt  " else "mp4"
    if head[:4] == _EBML:
        # The DocType element (0x4282) of a WebM file says "webm"; Matroska (mkv) is refused.
        return "webm" if b"\x42\x82\x84webm" in head[:HEAD_BYTES] else None
    return None


def probe(
    fileobj: IO[bytes],
    *,
    fmt: str,
    max_pixels: int,
    max_seconds: float,
    max_aspect_ratio: float,
    decode: bool = True,
) -> VideoInfo:
    """Check a clip that `sniff` named `fmt`; raise VideoRejected with the contract's code.

    Without `decode`, only the header is read (streams, size, duration, metadata), and
    the rotation is left at 0 when the container does not say it in its metadata.
    """
    invalid = "The video data is corrupt or truncated."
    try:
        container = open_clip(fileobj, max_pixels)
    except _BROKEN as exc:
        raise VideoRejected(PayloadCode.INVALID_IMAGE, invalid) from exc
    try:
        with container:
            return _probe(container, fmt, max_pixels, max_seconds, max_aspect_ratio, decode)
    except _BROKEN as exc:
        raise VideoRejected(PayloadCode.INVALID_IMAGE, invalid) from exc
    finally:
        fileobj.seek(0)


def _probe(container, fmt, max_pixels, max_seconds, max_aspect_ratio, decode) -> VideoInfo:
    if container.format.name != _DEMUXERS[fmt]:
        raise VideoRejected(PayloadCode.UNSUPPORTED_FORMAT, "Only MP4, MOV and WebM are accepted.")
    if not container.streams.video:
        raise VideoRejected(PayloadCode.UNSUPPORTED_FORMAT, "The file has no video track.")
    stream = container.streams.video[0]
    codec = stream.codec_context.name
    if codec not in CODECS[fmt]:
        raise VideoRejected(
            PayloadCode.UNSUPPORTED_FORMAT,
            f"{fmt.upper()} video in {codec} is not accepted: "
            "H.264, H.265 or AV1 in MP4 and MOV; VP8, VP9 or AV1 in WebM.",
        )
    width, height = stream.codec_context.width, stream.codec_context.height
    if not width or not height:
        raise VideoRejected(PayloadCode.INVALID_IMAGE, "The video track declares no size.")
    if width * height > max_pixels:
        raise too_large(max_pixels)
    if max(width, height) > max_aspect_ratio * min(width, height):
        raise VideoRejected(
            PayloadCode.INVALID_IMAGE,
            f"The video is {width}x{height}: its sides may differ by a factor of at most "
            f"{max_aspect_ratio:g}.",
        )
    duration = _duration(container, stream)
    if duration is None:
        raise VideoRejected(PayloadCode.INVALID_IMAGE, "The video does not declare its duration.")
    if duration > max_seconds:
        raise VideoRejected(
            PayloadCode.IMAGE_TOO_LARGE, f"The video is longer than the limit of {max_seconds:g} s."
        )
    rotation = 0
    if decode:
        rotation = _first_frame(container, stream, max_pixels).rotation % 360
        _check_end(container, stream, duration)
    if rotation in (90, 270):
        width, height = height, width
    exif, taken_at = _metadata(container)
    return VideoInfo(
        format=fmt,
        content_type=CONTENT_TYPES[fmt],
        extension=fmt,
        width=width,
        height=height,
        duration_seconds=round(duration, 3),
        rotation=rotation,
        codec=codec,
        exif=exif,
        taken_at=taken_at,
    )


def _duration(container, stream) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return None


def _first_frame(container, stream, max_pixels: int):
    for count, packet in enumerate(container.demux(stream)):
        if count >= _MAX_PACKETS:
            break
        with decoding(stream, max_pixels):
            frames = packet.decode()
        if frames:
            return checked(frames[0], max_pixels)
    raise VideoRejected(PayloadCode.INVALID_IMAGE, "No frame of the video decodes.")


def _check_end(container, stream, duration: float) -> None:
    """Whether the packets reach the declared end: a cut-off file's do not.

    Packets are demuxed from the last keyframe before the final second, not decoded.
    """
    start = stream.start_time * stream.time_base if stream.start_time else 0
    container.seek(int(max(0.0, float(start) + duration - _END_WINDOW) * av.time_base))
    end = 0.0
    for count, packet in enumerate(container.demux(stream)):
        if count >= _MAX_PACKETS:
            return  # a long GOP; the header's index covered it
        if packet.pts is not None and packet.time_base:
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    if end - float(start) < duration - max(0.5, duration * 0.02):
        raise VideoRejected(PayloadCode.INVALID_IMAGE, "The video data is truncated.")


def _metadata(container) -> tuple[dict[str, Any], datetime | None]:
    """The summary a photo's `exif` carries (GPS for its owner only), and when it was shot."""
    tags = {key.lower(): value for key, value in container.metadata.items()}
    exif: dict[str, Any] = {}
    taken_at = None
    if created := tags.get("creation_time"):
        try:
            taken_at = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            taken_at = None
        if taken_at is not None and taken_at.tzinfo is None:
            taken_at = taken_at.replace(tzinfo=UTC)
        if taken_at is not None and taken_at.year < 1971:
            taken_at = None  # an unset QuickTime clock (1904 or 1970)
    if taken_at is not None:
        exif["takenAt"] = taken_at.isoformat()
    make = tags.get("com.apple.quicktime.make") or tags.get("make")
    model = tags.get("com.apple.quicktime.model") or tags.get("model")
    # The same key as a photo's: "camera", make and model in one.
    if camera := camera_name(make and make[:64], model and model[:64]):
        exif["camera"] = camera
    location = tags.get("com.apple.quicktime.location.iso6709") or tags.get("location")
    if location and (gps := _gps(location)):
        exif["gps"] = gps
    return exif, taken_at


def _gps(iso6709: str) -> dict[str, float] | None:
    match = _ISO6709.match(iso6709.strip())
    if not match:
        return None
    latitude, longitude = float(match[1]), float(match[2])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    gps = {"latitude": latitude, "longitude": longitude}
    if match[3]:
        gps["altitude"] = float(match[3])
    return gps


def poster(fileobj: IO[bytes], *, duration: float, max_pixels: int) -> Image.Image:
    """The poster frame, upright RGB: the first not-black frame from about 10% in.

    Seeks to the keyframe before that point and decodes forward, a bounded number of
    frames; if all of them are black, the one tried first is the poster all the same.
    A frame over `max_pixels` raises VideoRejected (image_too_large).
    """
    with open_clip(fileobj, max_pixels) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        start = stream.start_time * stream.time_base if stream.start_time else 0
        target = float(start) + duration * POSTER_AT
        container.seek(int(target * av.time_base))
        with decoding(stream, max_pixels):
            chosen = _poster_frame(container.decode(stream), target, max_pixels)
    image, rotation = chosen
    # PIL turns counter-clockwise, as the container's rotation is stated.
    return image.rotate(rotation % 360, expand=True) if rotation % 360 else image


def _poster_frame(frames, target: float, max_pixels: int) -> tuple[Image.Image, int]:
    chosen, tried = None, 0
    for decoded, frame in enumerate(frames):
        checked(frame, max_pixels)
        early = frame.time is not None and frame.time < target - 1e-3
        if early and tried == 0 and decoded < _MAX_PACKETS:
            continue  # between the keyframe and the target
        image = frame.to_image()
        chosen = chosen or (image, frame.rotation)
        if not _black(image):
            return image, frame.rotation
        tried += 1
        if tried >= _POSTER_TRIES:
            break
    if chosen is None:
        raise VideoRejected(PayloadCode.INVALID_IMAGE, "No frame of the video decodes.")
    return chosen


def _black(image: Image.Image) -> bool:
    small = image.convert("L").resize((16, 16))
    return ImageStat.Stat(small).mean[0] < _BLACK_LUMA
