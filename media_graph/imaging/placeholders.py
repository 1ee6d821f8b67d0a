"""What a client shows while an image loads: a BlurHash and the dominant colour.

Both come from a small rendition the thumbnail set made anyway (never a decode of the
original), shrunk to at most 32 px: the BlurHash of a 4x3 basis needs no more, and
its pure-Python DCT then costs a few milliseconds.

BlurHash, as its specification (github.com/woltapp/blurhash, "Algorithm") defines it:
the image in linear light is projected onto cosine bases cos(pi*i*x/w)*cos(pi*j*y/h);
the first (DC) factor is the average colour, sent as sRGB in 4 base-83 digits; the
others (AC) are scaled by their largest magnitude, square-root companded and
quantised to 19 levels per channel, 2 digits each, after one digit for the number of
components and one for the scale.
"""

from __future__ import annotations

import math
from collections import Counter

from PIL import Image

COMPONENTS = (4, 3)  # across, down
_SIDE = 32  # the longest side the DCT runs over
_BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
_TO_LINEAR = [
    (v / 255 / 12.92) if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4
    for v in range(256)
]


def _base83(value: int, length: int) -> str:
    return "".join(_BASE83[(value // 83 ** (length - i)) % 83] for i in range(1, length + 1))


def _to_srgb(value: float) -> int:
    v = min(1.0, max(0.0, value))
    scaled = v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
    return int(scaled * 255 + 0.5)


def _sign_sqrt(value: float) -> float:
    return math.copysign(math.sqrt(abs(value)), value)


def flatten(img: Image.Image) -> Image.Image:
    """RGB, transparency laid over white (what a page behind the image usually is)."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB")


def shrink(img: Image.Image) -> Image.Image:
    """At most _SIDE px on the long edge, RGB: the pixels both placeholders read."""
    small = img.copy()
    small.thumbnail((_SIDE, _SIDE), Image.Resampling.BOX, reducing_gap=2.0)
    return flatten(small)


def blurhash(img: Image.Image, components: tuple[int, int] = COMPONENTS) -> str:
    """The BlurHash of `img` (small: see shrink) with `components` across and down."""
    across, down = components
    width, height = img.size
    pixels = list(img.get_flattened_data())
    linear = [(_TO_LINEAR[r], _TO_LINEAR[g], _TO_LINEAR[b]) for r, g, b in pixels]
    cos_x = [[math.cos(math.pi * i * x / width) for x in range(width)] for i in range(across)]
    cos_y = [[math.cos(math.pi * j * y / height) for y in range(height)] for j in range(down)]
    # Separable: sum each row against the horizontal bases, then the rows vertically.
    rows = []  # rows[i][y] = (r, g, b) of row y projected on basis i
    for i in range(across):
        basis = cos_x[i]
        projected = []
        for y in range(height):
            row = linear[y * width : (y + 1) * width]
            projected.append(
                (
                    sum(c * p[0] for c, p in zip(basis, row, strict=True)),
                    sum(c * p[1] for c, p in zip(basis, row, strict=True)),
                    sum(c * p[2] for c, p in zip(basis, row, strict=True)),
                )
            )
        rows.append(projected)
    factors = []
    for j in range(down):
        for i in range(across):
            scale = (1 if i == j == 0 else 2) / (width * height)
            factors.append(
                tuple(
                    scale * sum(cy * row[k] for cy, row in zip(cos_y[j], rows[i], strict=True))
                    for k in range(3)
                )
            )
    dc, ac = factors[0], factors[1:]
    digest = _base83((across - 1) + (down - 1) * 9, 1)
    if ac:
        actual = max(abs(v) for factor in ac for v in factor)
        quantised = max(0, min(82, math.floor(actual * 166 - 0.5)))
        maximum = (quantised + 1) / 166
        digest += _base83(quantised, 1)
    else:
        maximum = 1.0
        digest += _base83(0, 1)
    digest += _base83((_to_srgb(dc[0]) << 16) + (_to_srgb(dc[1]) << 8) + _to_srgb(dc[2]), 4)
    for factor in ac:
        r, g, b = (max(0, min(18, math.floor(_sign_sqrt(v / maximum) * 9 + 9.5))) for v in factor)
        digest += _base83(r * 19 * 19 + g * 19 + b, 2)
    return digest


def dominant_color(img: Image.Image) -> str:
    """'#rrggbb': the colour of the largest cluster (median cut into 6) of `img` (small)."""
    quantised = img.quantize(colors=6, method=Image.Quantize.MEDIANCUT)
    palette = quantised.getpalette() or []
    index, _ = Counter(quantised.get_flattened_data()).most_common(1)[0]
    r, g, b = palette[index * 3 : index * 3 + 3]
    return f"#{r:02x}{g:02x}{b:02x}"


def describe(img: Image.Image) -> dict[str, str]:
    """Both placeholders of a rendition: {"blurhash": ..., "dominant_color": ...}."""
    small = shrink(img)
    return {"blurhash": blurhash(small), "dominant_color": dominant_color(small)}
