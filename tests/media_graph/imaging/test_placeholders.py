"""BlurHash and dominant colour, checked against the specification by decoding."""

from PIL import Image

from media_graph.imaging import placeholders
from tests.support.images import picture

_BASE83 = placeholders._BASE83


def decode83(text: str) -> int:
    value = 0
    for char in text:
        value = value * 83 + _BASE83.index(char)
    return value


def decode(digest: str) -> tuple[tuple[int, int], tuple[int, int, int], list[tuple[float, ...]]]:
    """(components, DC as sRGB, AC factors) of a BlurHash, as the spec's decoder reads it."""
    flag = decode83(digest[0])
    components = (flag % 9 + 1, flag // 9 + 1)
    maximum = (decode83(digest[1]) + 1) / 166
    dc = decode83(digest[2:6])
    ac = []
    for start in range(6, len(digest), 2):
        value = decode83(digest[start : start + 2])
        quantised = (value // 361, value // 19 % 19, value % 19)
        ac.append(tuple(((q - 9) / 9) ** 2 * (1 if q >= 9 else -1) * maximum for q in quantised))
    return components, (dc >> 16, dc >> 8 & 255, dc & 255), ac


def test_a_flat_image_is_its_colour_and_no_detail():
    digest = placeholders.blurhash(Image.new("RGB", (32, 24), (200, 120, 40)))
    components, dc, ac = decode(digest)
    assert len(digest) == 28 and components == (4, 3)
    assert dc == (200, 120, 40)
    # The spec's sums run over x = 0..w-1, so even a flat image leaves a trace in the
    # odd components (sum of cos(pi*x/w) is 1, not 0): small against its colour.
    assert all(abs(v) < 0.05 for factor in ac for v in factor)


def test_a_left_to_right_ramp_puts_its_energy_in_the_first_horizontal_component():
    ramp = Image.linear_gradient("L").rotate(90).resize((32, 32)).convert("RGB")
    _, _, ac = decode(placeholders.blurhash(ramp))
    first_across, first_down = ac[0], ac[3]  # (1, 0) and (0, 1)
    assert abs(first_across[0]) > 0.1 and all(abs(v) < 0.05 for v in first_down)


def test_the_dominant_colour_is_the_largest_area():
    img = Image.new("RGB", (30, 30), (10, 200, 30))
    img.paste((250, 250, 250), (0, 0, 10, 30))  # a third white, two thirds green
    assert placeholders.dominant_color(img) == "#0ac81e"


def test_transparency_is_laid_over_white():
    clear = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    assert placeholders.describe(clear)["dominant_color"] == "#ffffff"


def test_a_rendition_is_shrunk_to_a_few_hundred_pixels_first():
    small = placeholders.shrink(picture(640, 480))
    assert small.size == (32, 24) and small.mode == "RGB"
    described = placeholders.describe(picture(640, 480))
    assert described["blurhash"].startswith("L") and len(described["dominant_color"]) == 7
