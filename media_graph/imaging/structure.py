"""Whether an image file is whole: its structure, read without decoding a pixel.

With a worker, an upload's request reads the header (format, sizes, pixel limit, EXIF)
and this structure, and leaves decoding the pixels to the worker (imaging.probe with
decode=False). A header alone misses the usual damage of an interrupted upload, a file
cut short: that is found here, at once, so the client hears invalid_image instead of
getting a photo that turns FAILED. Damage inside an intact structure (garbage in the
entropy-coded data, a bogus table) is the decoder's to find.

- JPEG: the segments from SOI to the first scan (lengths within the file, a frame
  header first), then the scans up to the image's EOI. Scan data is searched for
  markers (an 0xFF neither stuffed nor a restart); between scans only the segments
  libjpeg takes there may come (any other marker is refused, as libjpeg refuses it).
  The first EOI after the scans ends the image; what follows is not the image's:
  MPO files (two lenses, a depth map) keep their other pictures there, phones a
  trailer or a video (motion photos). Only an MP index (APP2 "MPF") says what should
  be there: every picture it lists must lie within the file.
- PNG: the chunk sequence from IHDR up to IEND, every length within the file, an IDAT
  among them. CRCs are not checked: a cut file fails on a length, and damage inside a
  chunk is the decoder's.
- WebP: the RIFF length is the file's size, every chunk lies within it, and a VP8
  frame's first partition within its chunk. Bytes after the RIFF data are refused too
  (libwebp would ignore them): a length that differs is how a cut shows.

Pure Python on purpose (no Pillow, no Django): one pass over the bytes, which a mapped
file provides without copying them.
"""

from __future__ import annotations

import io
import mmap
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

Buffer = bytes | memoryview | mmap.mmap

_EOI, _SOS, _TEM = 0xD9, 0xDA, 0x01
_RST = frozenset(range(0xD0, 0xD8))
# Frame headers (SOF0-SOF15 but DHT, JPG and DAC, which share the range).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# What libjpeg reads between scans: tables (DHT, DAC, DQT), the restart interval, the
# next scan, DNL, APPn and comments. Any other marker is a fatal error there.
_BETWEEN_SCANS = frozenset({0xC4, 0xCC, 0xDB, 0xDD, _SOS, 0xDC, 0xFE, *range(0xE0, 0xF0)})
_BEFORE_SCANS = _BETWEEN_SCANS | _SOF
# A marker in scan data: 0xFF followed by neither 0x00 (a stuffed 0xFF), a restart nor
# another 0xFF (fill). The regular expression engine runs this search in C: a few ms
# for a 12 MP photo, where a loop over every stuffed 0xFF in Python takes several times that.
_SCAN_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# Before the first scan libjpeg (and Pillow) skip bytes that are not a marker, and fill.
_HEADER_MARKER = re.compile(rb"\xff+[^\x00\xff]")
_MPF = b"MPF\x00"
_PNG = b"\x89PNG\r\n\x1a\n"
_VP8_START = b"\x9d\x01\x2a"


class Broken(ValueError):
    """The structure is cut short, or is not the format's; the message says where."""


def check(data: Buffer, fmt: str) -> bytes | None:
    """Raise Broken unless `data` holds a whole JPEG, PNG or WEBP (`fmt`).

    Answers a PNG's eXIf chunk, if it has one: Pillow finds one that comes after the
    pixels only by decoding them. None for the other formats.
    """
    if fmt == "JPEG":
        _jpeg(data)
        return None
    if fmt == "PNG":
        return _png(data)
    if fmt == "WEBP":
        _webp(data)
        return None
    raise ValueError(f"no structure known for {fmt}")


@contextmanager
def view(fileobj: IO[bytes]) -> Iterator[Buffer]:
    """The whole file's bytes, mapped (a file on disk) or borrowed (BytesIO), else read."""
    try:
        fileobj.flush()  # what a writer buffered must be in the file a map shows
        mapped = mmap.mmap(fileobj.fileno(), 0, access=mmap.ACCESS_READ)
    except (AttributeError, OSError, ValueError):  # no descriptor, or an empty file
        mapped = None
    if mapped is not None:
        with mapped:
            yield mapped
        return
    if isinstance(fileobj, io.BytesIO):
        with fileobj.getbuffer() as borrowed:
            yield borrowed
        return
    fileobj.seek(0)
    yield fileobj.read()


def _segment_end(data: Buffer, pos: int, what: str) -> int:
    """Where the segment whose length field starts at `pos` ends; it must fit in the file."""
    if pos + 2 > len(data):
        raise Broken(f"the file ends inside {what}")
    end = pos + struct.unpack_from(">H", data, pos)[0]
    if end < pos + 2 or end > len(data):
        raise Broken(f"{what} runs past the end of the file")
    return end


def _jpeg(data: Buffer) -> None:
    if data[:2] != b"\xff\xd8":
        raise Broken("a JPEG starts with SOI")
    pos, framed, index = 2, False, None
    while True:
        found = _HEADER_MARKER.search(data, pos)
        if found is None:
            raise Broken("the file ends before the first scan")
        code, pos = data[found.end() - 1], found.end()
        if code in _RST or code == _TEM:
            continue  # standalone, and harmless here
        if code not in _BEFORE_SCANS:
            raise Broken(f"marker 0x{code:02X} before the first scan")
        end = _segment_end(data, pos, f"segment 0x{code:02X}")
        if code in _SOF:
            framed = True
        elif code == 0xE2 and data[pos + 2 : pos + 6] == _MPF and index is None:
            index = (pos + 6, end)
        elif code == _SOS:
            if not framed:
                raise Broken("a scan before the frame header")
            break
        pos = end
    _scans(data, end)
    if index is not None:
        _pictures_listed(data, *index)


def _scans(data: Buffer, pos: int) -> None:
    """From the first scan's data to the image's EOI."""
    while True:
        found = _SCAN_MARKER.search(data, pos)
        if found is None:
            raise Broken("the file ends before the end of the image (EOI)")
        code, pos = data[found.start() + 1], found.end()
        if code == _EOI:
            return
        if code == _TEM:
            continue
        if code not in _BETWEEN_SCANS:
            raise Broken(f"marker 0x{code:02X} inside the image")
        pos = _segment_end(data, pos, f"segment 0x{code:02X}")


def _pictures_listed(data: Buffer, tiff: int, end: int) -> None:
    """Every picture an MP index lists lies within the file (a cut MPO loses its last).

    The index is TIFF-like (CIPA DC-007): an IFD whose MPEntry tag (0xB002) holds 16
    bytes per picture: attributes, size, offset from the index's byte-order mark (0 for
    the first picture, this one). An index that does not parse is ignored, as Pillow
    then takes the file for a plain JPEG.
    """
    order = {b"II": "<", b"MM": ">"}.get(bytes(data[tiff : tiff + 2]))
    if order is None or tiff + 8 > end:
        return
    ifd = tiff + struct.unpack_from(order + "I", data, tiff + 4)[0]
    if ifd + 2 > end:
        return
    count = struct.unpack_from(order + "H", data, ifd)[0]
    for field in range(ifd + 2, min(ifd + 2 + 12 * count, end - 11), 12):
        tag, _, length, offset = struct.unpack_from(order + "HHII", data, field)
        if tag == 0xB002:
            break
    else:
        return
    entries = tiff + offset
    if length % 16 or entries + length > end:
        return
    for entry in range(entries + 16, entries + length, 16):
        _, size, start = struct.unpack_from(order + "III", data, entry)
        if tiff + start + size > len(data):
            number = (entry - entries) // 16 + 1
            raise Broken(f"picture {number} of the MP index runs past the end of the file")


def _png(data: Buffer) -> bytes | None:
    if data[:8] != _PNG:
        raise Broken("a PNG starts with its signature")
    pos, pixels, exif = 8, False, None
    while True:
        if pos + 12 > len(data):
            raise Broken("the file ends before IEND")
        length, kind = struct.unpack_from(">I4s", data, pos)
        name = kind.decode("latin-1")
        if not kind.isalpha():
            raise Broken(f"no chunk at byte {pos}")
        if pos == 8 and kind != b"IHDR":
            raise Broken("the first chunk is not IHDR")
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            raise Broken(f"chunk {name} runs past the end of the file")
        if kind == b"eXIf":
            exif = bytes(data[pos + 8 : end - 4])
        if kind == b"IEND":
            break
        pixels = pixels or kind == b"IDAT"
        pos = end
    if not pixels:
        raise Broken("no image data (IDAT)")
    return exif


def _webp(data: Buffer) -> None:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise Broken("a WebP starts with a RIFF header")
    riff = struct.unpack_from("<I", data, 4)[0] + 8
    if riff != len(data):
        raise Broken(f"the RIFF header counts {riff} bytes, the file has {len(data)}")
    pos, kinds = 12, []
    while pos < len(data):
        if pos + 8 > len(data):
            raise Broken("the file ends inside a chunk header")
        kind, length = struct.unpack_from("<4sI", data, pos)
        start, end = pos + 8, pos + 8 + length
        if end > len(data):
            raise Broken(f"chunk {kind.decode('latin-1')} runs past the end of the file")
        if kind == b"VP8 ":
            _vp8(data, start, length)
        elif kind == b"VP8L" and (length < 5 or data[start] != 0x2F):
            raise Broken("a VP8L chunk without its signature")
        elif kind == b"VP8X" and length < 10:
            raise Broken("a VP8X chunk too short for its fields")
        kinds.append(kind)
        pos = end + (length & 1)  # chunks are padded to an even length
    if not kinds or kinds[0] not in (b"VP8 ", b"VP8L", b"VP8X"):
        raise Broken("no image chunk (VP8, VP8L or VP8X) first")
    if not {b"VP8 ", b"VP8L", b"ANMF"} & set(kinds):
        raise Broken("no image data (VP8, VP8L or ANMF)")


def _vp8(data: Buffer, start: int, length: int) -> None:
    """A lossy key frame: its tag, start code and first partition within the chunk."""
    if length < 10 or data[start + 3 : start + 6] != _VP8_START:
        raise Broken("a VP8 chunk without a key frame header")
    tag = data[start] | data[start + 1] << 8 | data[start + 2] << 16
    if tag & 1:
        raise Broken("a VP8 chunk whose frame is not a key frame")
    if 10 + (tag >> 5) > length:
        raise Broken("a VP8 frame whose first partition runs past its chunk")
