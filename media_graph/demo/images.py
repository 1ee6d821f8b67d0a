"""Generated pictures with camera-like EXIF, for `manage.py seed_demo` (Pillow only).

Each scene is drawn from simple shapes over a gradient, with its own palette and size, so
the demo's thumbnails are told apart at a glance. Nothing here is random across runs:
the same spec always encodes to the same bytes.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from fractions import Fraction

from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

Color = tuple[int, int, int]

# EXIF tag numbers (TIFF/EXIF 2.3).
_MAKE, _MODEL, _ORIENTATION, _SOFTWARE = 0x010F, 0x0110, 0x0112, 0x0131
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_EXPOSURE_TIME, _F_NUMBER, _ISO = 0x829A, 0x829D, 0x8827
_DATE_TIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
_FOCAL_LENGTH, _LENS_MODEL = 0x920A, 0xA434


@dataclass(frozen=True)
class Camera:
    make: str
    model: str
    lens: str | None = None


@dataclass(frozen=True)
class DemoImage:
    """What to draw and which EXIF to write. `taken_at` is "YYYY:MM:DD HH:MM:SS"."""

    scene: str  # a key of SCENES
    width: int
    height: int
    top: Color  # gradient, top edge
    bottom: Color  # gradient, bottom edge
    accent: Color
    seed: int
    camera: Camera
    taken_at: str
    offset: str | None = None  # "+02:00"
    exposure: tuple[int, int] = (1, 250)
    f_number: float = 5.6
    iso: int = 200
    focal_length: float = 35.0
    gps: tuple[float, float] | None = None  # (latitude, longitude)
    altitude: float | None = None
    orientation: int = 1  # 6: stored sideways, shown upright by EXIF-aware viewers
    format: str = "JPEG"  # or "WEBP"


def _gradient(width: int, height: int, top: Color, bottom: Color) -> Image.Image:
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize((width, height))


def _shade(color: Color, factor: float) -> Color:
    return tuple(max(0, min(255, round(channel * factor))) for channel in color)  # type: ignore[return-value]


def _sunset(draw: ImageDraw.ImageDraw, w: int, h: int, spec: DemoImage, rng: random.Random):
    r = h // 6
    cx, cy = int(w * rng.uniform(0.3, 0.7)), int(h * 0.55)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=spec.accent)
    for i in range(6):  # the sea, in bands that darken towards the viewer
        y0 = int(h * 0.62) + i * h // 16
        draw.rectangle((0, y0, w, y0 + h // 16), fill=_shade(spec.bottom, 0.9 - i * 0.1))
    for _ in range(14):  # glints
        x, y = rng.randrange(cx - r, cx + r), rng.randrange(int(h * 0.64), h)
        draw.line((x, y, x + rng.randrange(10, 40), y), fill=spec.accent, width=3)


def _mountains(draw: ImageDraw.ImageDraw, w: int, h: int, spec: DemoImage, rng: random.Random):
    draw.ellipse((w * 0.75, h * 0.1, w * 0.75 + h * 0.12, h * 0.22), fill=(250, 250, 235))
    for layer in range(3):
        base = h * (0.55 + layer * 0.15)
        points = [(0, h), (0, base)]
        x = 0.0
        while x < w:
            x += rng.uniform(w * 0.08, w * 0.2)
            points.append((x, base - rng.uniform(h * 0.05, h * 0.3)))
        points += [(w, base), (w, h)]
        draw.polygon(points, fill=_shade(spec.accent, 1.0 - layer * 0.28))


def _city(draw: ImageDraw.ImageDraw, w: int, h: int, spec: DemoImage, rng: random.Random):
    x = 0
    while x < w:
        bw = rng.randrange(w // 16, w // 7)
        top = rng.randrange(int(h * 0.25), int(h * 0.7))
        draw.rectangle((x, top, x + bw, h), fill=_shade(spec.bottom, rng.uniform(0.3, 0.6)))
        for wy in range(top + 12, h - 12, 24):  # lit windows
            for wx in range(x + 8, x + bw - 8, 18):
                if rng.random() < 0.45:
                    draw.rectangle((wx, wy, wx + 8, wy + 12), fill=spec.accent)
        x += bw + rng.randrange(2, 10)


def _forest(draw: ImageDraw.ImageDraw, w: int, h: int, spec: DemoImage, rng: random.Random):
    draw.rectangle((0, int(h * 0.8), w, h), fill=_shade(spec.accent, 0.5))
    for _ in range(28):
        x = rng.randrange(0, w)
        size = rng.uniform(h * 0.15, h * 0.45)
        ground = h * rng.uniform(0.8, 0.98)
        green = _shade(spec.accent, rng.uniform(0.6, 1.1))
        draw.polygon(
            [(x, ground - size), (x - size * 0.3, ground), (x + size * 0.3, ground)], fill=green
        )
        draw.rectangle((x - 4, ground, x + 4, ground + h * 0.03), fill=(90, 60, 30))


def _night(draw: ImageDraw.ImageDraw, w: int, h: int, spec: DemoImage, rng: random.Random):
    for _ in range(260):
        x, y, r = rng.randrange(w), rng.randrange(int(h * 0.75)), rng.choice((1, 1, 1, 2, 3))
        shade = rng.randrange(170, 256)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(shade, shade, min(255, shade + 20)))
    r = h // 10
    draw.ellipse((w * 0.2 - r, h * 0.2 - r, w * 0.2 + r, h * 0.2 + r), fill=spec.accent)
    draw.ellipse(
        (w * 0.2 - r * 0.6, h * 0.2 - r * 1.1, w * 0.2 + r * 1.4, h * 0.2 + r * 0.9), fill=spec.top
    )  # a crescent: the moon's lit part is what the sky leaves
    hills = [(0, h)] + [(x, h * 0.78 - 30 * ((x // 97) % 3)) for x in range(0, w + 97, 97)]
    draw.polygon([*hills, (w, h)], fill=(10, 12, 20))


def _still_life(draw: ImageDraw.ImageDraw, w: int, h: int, spec: DemoImage, rng: random.Random):
    draw.rectangle((0, int(h * 0.65), w, h), fill=_shade(spec.bottom, 0.7))  # the table
    for i in range(rng.randrange(3, 6)):
        r = rng.randrange(h // 14, h // 7)
        cx = int(w * (0.15 + 0.7 * (i + rng.random() * 0.5) / 5))
        cy = int(h * 0.65) - r // 2
        color = _shade(spec.accent, rng.uniform(0.7, 1.2))
        draw.ellipse((cx - r + 10, cy + r - 6, cx + r + 30, cy + r + 14), fill=(40, 30, 25))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=color)
        draw.ellipse((cx - r // 2, cy - r // 2, cx - r // 4, cy - r // 4), fill=(255, 250, 240))


def _waves(draw: ImageDraw.ImageDraw, w: int, h: int, spec: DemoImage, rng: random.Random):
    for i in range(12):
        y = int(h * (0.3 + i * 0.06))
        amplitude, period = rng.uniform(6, 22), rng.uniform(w / 8, w / 3)
        color = _shade(spec.accent, 0.6 + i * 0.05)
        points = [(x, y + amplitude * (((x / period) % 1) * 2 - 1) ** 2) for x in range(0, w, 8)]
        draw.line(points, fill=color, width=max(4, h // 60))


def _abstract(draw: ImageDraw.ImageDraw, w: int, h: int, spec: DemoImage, rng: random.Random):
    for _ in range(18):
        x, y = rng.randrange(w), rng.randrange(h)
        size = rng.randrange(min(w, h) // 12, min(w, h) // 3)
        color = _shade(spec.accent, rng.uniform(0.5, 1.3))
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + size, y + size), outline=color, width=rng.randrange(4, 14))
        else:
            draw.rectangle((x, y, x + size, y + size * 0.6), fill=color)


SCENES = {
    "sunset": _sunset,
    "mountains": _mountains,
    "city": _city,
    "forest": _forest,
    "night": _night,
    "still_life": _still_life,
    "waves": _waves,
    "abstract": _abstract,
}


def draw(spec: DemoImage) -> Image.Image:
    """The picture as it should look, upright."""
    img = _gradient(spec.width, spec.height, spec.top, spec.bottom)
    SCENES[spec.scene](ImageDraw.Draw(img), spec.width, spec.height, spec, random.Random(spec.seed))
    return img


def exif_rational(value: float) -> IFDRational:
    """An EXIF RATIONAL for `value` (tests/support/images.py writes its EXIF with these too)."""
    fraction = Fraction(value).limit_denominator(10_000)
    return IFDRational(fraction.numerator, fraction.denominator)


def exif_degrees(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """A GPS coordinate as EXIF wants it: degrees, minutes, seconds to the hundredth."""
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    hundredths = round((value - degrees - minutes / 60) * 360_000)
    return IFDRational(degrees), IFDRational(minutes), IFDRational(hundredths, 100)


def exif_for(spec: DemoImage) -> Image.Exif:
    exif = Image.Exif()
    exif[_MAKE] = spec.camera.make
    exif[_MODEL] = spec.camera.model
    exif[_SOFTWARE] = "photo-graph seed_demo"
    exif[_ORIENTATION] = spec.orientation
    sub = exif.get_ifd(_EXIF_IFD)
    sub[_DATE_TIME_ORIGINAL] = spec.taken_at
    if spec.offset:
        sub[_OFFSET_TIME_ORIGINAL] = spec.offset
    sub[_EXPOSURE_TIME] = IFDRational(*spec.exposure)
    sub[_F_NUMBER] = exif_rational(spec.f_number)
    sub[_ISO] = spec.iso
    sub[_FOCAL_LENGTH] = exif_rational(spec.focal_length)
    if spec.camera.lens:
        sub[_LENS_MODEL] = spec.camera.lens
    if spec.gps is not None:
        latitude, longitude = spec.gps
        gps = exif.get_ifd(_GPS_IFD)
        gps[1], gps[2] = ("S" if latitude < 0 else "N"), exif_degrees(latitude)
        gps[3], gps[4] = ("W" if longitude < 0 else "E"), exif_degrees(longitude)
        if spec.altitude is not None:
            gps[5], gps[6] = (1 if spec.altitude < 0 else 0), exif_rational(abs(spec.altitude))
    return exif


# Stored pixels for each orientation, so that applying the orientation shows them upright.
_STORE = {
    1: None,
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,  # shown after a 90° clockwise turn
    8: Image.Transpose.ROTATE_270,
}


def render(spec: DemoImage) -> bytes:
    """The encoded file: JPEG (quality 85) or WebP, with the spec's EXIF block."""
    if spec.orientation not in _STORE:
        raise ValueError(f"orientation {spec.orientation} is not supported here")
    img = draw(spec)
    if (transpose := _STORE[spec.orientation]) is not None:
        img = img.transpose(transpose)
    out = io.BytesIO()
    img.save(out, spec.format, quality=85, exif=exif_for(spec))
    return out.getvalue()
