"""In-memory test image factories (Pillow only), returning encoded bytes.

Pictures are a green/blue gradient with a cyan disc and a pure red square MARKER in the stored
top-left corner; red appears nowhere else, so tests can tell where that corner ended up.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from media_graph.demo.images import exif_degrees, exif_rational

MARKER = (255, 0, 0)


def picture(width: int, height: int, *, noise: bool = False) -> Image.Image:
    green = Image.linear_gradient("L").resize((width, height))
    blue = green.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    if noise:  # camera-like entropy so encoded sizes and decode times are realistic
        grain = Image.effect_noise((width, height), 24)
        green = Image.blend(green, grain, 0.3)
        blue = Image.blend(blue, grain, 0.3)
    img = Image.merge("RGB", (Image.new("L", (width, height), 0), green, blue))
    draw = ImageDraw.Draw(img)
    w, h = width // 3, height // 3
    draw.ellipse((w, h, 2 * w, 2 * h), fill=(0, 220, 220))
    side = max(1, min(width, height) // 5)
    draw.rectangle((0, 0, side - 1, side - 1), fill=MARKER)
    return img


def make_exif(
    *,
    orientation: int | None = None,
    gps: tuple[float, float] | None = None,
    make: str | None = "TestCam",
    model: str | None = "X100",
    lens: str | None = None,
    taken_at: str | None = "2024:05:01 10:20:30",
    offset: str | None = None,
    exposure: tuple[int, int] | None = (1, 125),
    f_number: float | None = 2.8,
    iso: int | None = 400,
    focal_length: float | None = 23.0,
    altitude: float | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    for tag, value in ((0x010F, make), (0x0110, model), (0x0112, orientation)):
        if value is not None:
            exif[tag] = value
    sub = exif.get_ifd(0x8769)  # Exif IFD
    if taken_at is not None:
        sub[0x9003] = taken_at
    if offset is not None:
        sub[0x9011] = offset
    if exposure is not None:
        sub[0x829A] = IFDRational(*exposure)
    if f_number is not None:
        sub[0x829D] = exif_rational(f_number)
    if iso is not None:
        sub[0x8827] = iso
    if focal_length is not None:
        sub[0x920A] = exif_rational(focal_length)
    if lens is not None:
        sub[0xA434] = lens
    if gps is not None:
        latitude, longitude = gps
        info = exif.get_ifd(0x8825)  # GPS IFD
        info[1], info[2] = ("S" if latitude < 0 else "N"), exif_degrees(latitude)
        info[3], info[4] = ("W" if longitude < 0 else "E"), exif_degrees(longitude)
        if altitude is not None:
            info[5], info[6] = (1 if altitude < 0 else 0), exif_rational(abs(altitude))
    return exif


def make_jpeg(
    width: int = 640,
    height: int = 480,
    *,
    orientation: int | None = None,
    gps: tuple[float, float] | None = None,
    make: str | None = "TestCam",
    model: str | None = "X100",
    lens: str | None = None,
    taken_at: str | None = "2024:05:01 10:20:30",
    quality: int = 90,
    noise: bool = False,
    exif: Image.Exif | bytes | None = None,
    icc_profile: bytes | None = None,
    progressive: bool = False,
) -> bytes:
    """JPEG with real EXIF; pass `exif` to override the generated block (b"" for none)."""
    if exif is None:
        exif = make_exif(
            orientation=orientation, gps=gps, make=make, model=model, lens=lens, taken_at=taken_at
        )
    out = io.BytesIO()
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    picture(width, height, noise=noise).save(
        out, "JPEG", quality=quality, exif=exif, progressive=progressive, **extra
    )
    return out.getvalue()


def make_png(width: int = 64, height: int = 48, *, alpha: bool = False) -> bytes:
    img = picture(width, height)
    if alpha:  # transparent left half, opaque right half
        mask = Image.new("L", (width, height), 255)
        mask.paste(0, (0, 0, width // 2, height))
        img.putalpha(mask)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def make_webp(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    picture(width, height).save(out, "WEBP", quality=90)
    return out.getvalue()


def make_gif(width: int = 32, height: int = 32) -> bytes:
    out = io.BytesIO()
    picture(width, height).convert("P").save(out, "GIF")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """Valid 1-bit greyscale PNG of `width` x `height` black pixels, only tens of KB on disk.

    Written by hand, row by row, so building it never allocates the full bitmap.
    """
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = make_jpeg(400, 300, noise=True)
    return data[: len(data) // 2]


def damaged_jpeg(width: int = 400, height: int = 300) -> bytes:
    """A JPEG whose structure is whole but whose data does not decode.

    libjpeg decodes most garbage in scan data without a word (grey or garbled blocks),
    so the damage here is 18 bytes of the scan overwritten with a Huffman table segment
    (0xFFC4) too short for the counts it must hold: a fatal error to the decoder, while
    every marker and length still fits the file.
    """
    data = bytearray(make_jpeg(width, height, noise=True))
    at = (data.index(b"\xff\xda") + len(data)) // 2
    while data[at - 1] == 0xFF:  # not the second byte of a stuffed 0xFF
        at += 1
    data[at : at + 18] = b"\xff\xc4\x00\x10" + bytes(14)
    return bytes(data)


def make_mpo(width: int = 400, height: int = 300) -> bytes:
    """A multi-picture JPEG (MPO, as from a camera with two lenses): a second, smaller
    picture after the first one's EOI, both listed in an MP index (APP2 "MPF")."""
    out = io.BytesIO()
    second = picture(width // 2, height // 2, noise=True)
    picture(width, height, noise=True).save(out, "MPO", save_all=True, append_images=[second])
    return out.getvalue()


def text_as_jpg() -> bytes:
    return b"hello, this is not an image\n"


def jpeg_claiming(width: int, height: int, *, progressive: bool = False) -> bytes:
    """A 16x16 JPEG whose frame header (SOF) claims width x height: its pixels cannot decode."""
    out = io.BytesIO()
    picture(16, 16, noise=True).save(out, "JPEG", quality=90, progressive=progressive)
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc2" if progressive else b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _s15fixed16(*values: float) -> bytes:
    return b"".join(struct.pack(">i", round(value * 65536)) for value in values)


def icc_swapping_red_and_blue() -> bytes:
    """An ICC v2 RGB display profile whose red primary is sRGB's blue, and vice versa.

    Converted to sRGB, an image tagged with it shows MARKER red as pure blue: a test can
    tell a profile that was applied from one that was dropped. Gamma 2.2 curves keep 0
    and 255 where they are.
    """
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    white = (0.9642, 1.0, 0.8249)  # D50, the profile connection space's white

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + _s15fixed16(*values)

    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256))
    name = b"red and blue swapped\0"
    description = b"desc\0\0\0\0" + struct.pack(">I", len(name)) + name + b"\0" * 78
    tags = [
        (b"desc", description),
        (b"wtpt", xyz(white)),
        (b"rXYZ", xyz(blue)),
        (b"gXYZ", xyz(green)),
        (b"bXYZ", xyz(red)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\0\0\0\0test\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = data = b""
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)  # tags start on 4-byte boundaries
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = (
        struct.pack(">I", offset + len(data))
        + b"\0" * 4
        + struct.pack(">I", 0x02100000)  # version 2.1
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + _s15fixed16(*white)
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + data
