"""media_graph.imaging.sets: one decode per thumbnail set, sizes as easy-thumbnails makes them."""

from __future__ import annotations

import io

import pytest
from easy_thumbnails.processors import scale_and_crop
from PIL import Image, ImageChops, ImageCms

from media_graph.imaging import decoding, probe
from media_graph.imaging.sets import SetSource, scaled_size
from tests.support.images import icc_swapping_red_and_blue, make_jpeg, picture

# settings.THUMBNAIL_ALIASES, largest first as media_graph.thumbnails asks for them:
# (box, crop, upscale)
ALIASES = {
    "large": ((1280, 1280), False, False),
    "medium": ((640, 640), False, False),
    "small": ((320, 320), True, True),
}


def make_set(data: bytes, decoded=None) -> dict[str, Image.Image]:
    """What one SetSource hands easy-thumbnails' processors for each size, in order."""
    source = SetSource(decoded)
    return {
        name: source(io.BytesIO(data), size=box, crop=crop, upscale=upscale)
        for name, (box, crop, upscale) in ALIASES.items()
    }


def thumbnail_sizes(images: dict[str, Image.Image]) -> dict[str, tuple[int, int]]:
    return {
        name: scale_and_crop(images[name], box, crop=crop, upscale=upscale).size
        for name, (box, crop, upscale) in ALIASES.items()
    }


@pytest.mark.parametrize(
    "size",
    [(4000, 3000), (3001, 2001), (2001, 3001), (2999, 1999), (1281, 961), (4000, 1000), (300, 200)],
)
def test_sizes_are_what_easy_thumbnails_makes_from_the_full_original(size) -> None:
    # Before, 3001x2001 gave a 1280x854 LARGE (scaled from its 1501x1001 draft) and
    # 2999x1999 a 640x426 MEDIUM (scaled from LARGE): a pixel off either way.
    full = Image.new("RGB", size)
    expected = {
        name: scale_and_crop(full, box, crop=crop, upscale=upscale).size
        for name, (box, crop, upscale) in ALIASES.items()
    }
    images = make_set(make_jpeg(*size))
    assert thumbnail_sizes(images) == expected
    for name, (box, crop, upscale) in ALIASES.items():
        handed = scaled_size(size, box, cover=crop, upscale=upscale)
        if handed[0] <= size[0]:  # pre-scaled: scale_and_crop has nothing left to resize
            assert images[name].size == handed


@pytest.mark.parametrize(
    ("size", "orientation", "decoded"),
    [
        ((4000, 3000), None, (2000, 1500)),  # 1/2: the largest scale LARGE still allows
        ((2600, 1950), None, (1300, 975)),
        ((8000, 6000), None, (2000, 1500)),  # 1/4
        ((2000, 1500), None, (2000, 1500)),  # 1/2 would be 1000 px: LARGE needs 1280
        ((4000, 3000), 6, (2000, 1500)),  # stored sideways, drafted as stored
        ((4000, 1000), None, (2000, 500)),  # SMALL's square comes from LARGE's 1280x320
    ],
)
def test_a_set_decodes_once_at_the_scale_large_allows(decodes, size, orientation, decoded) -> None:
    make_set(make_jpeg(*size, orientation=orientation))
    assert decodes == [decoded]


def test_each_size_is_resized_from_the_one_before(monkeypatch) -> None:
    data = make_jpeg(4000, 3000)
    steps = []
    resize = Image.Image.resize

    def spy(self, size, *args, **kwargs):
        steps.append((self.size, size))
        return resize(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", spy)
    make_set(data)
    assert steps == [
        ((2000, 1500), (1280, 960)),
        ((1280, 960), (640, 480)),
        ((640, 480), (427, 320)),
    ]


def is_blue(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return blue > 200 and red < 60 and green < 60


@pytest.mark.parametrize("from_probe", [False, True])
def test_sizes_are_upright_in_srgb_and_carry_no_metadata(from_probe) -> None:
    # The marker is red in the stored top-left corner; orientation 6 shows that corner
    # top-right, and the profile (red and blue swapped) makes it blue in sRGB.
    data = make_jpeg(
        4000, 3000, orientation=6, gps=(51.5, -0.12), icc_profile=icc_swapping_red_and_blue()
    )
    decoded = None
    if from_probe:
        decoded = probe(io.BytesIO(data), max_pixels=10**8, keep_for=(1280, 1280)).decoded
    images = make_set(data, decoded)
    assert thumbnail_sizes(images) == {
        "large": (960, 1280),
        "medium": (480, 640),
        "small": (320, 320),
    }
    for image in images.values():
        assert is_blue(image.getpixel((image.width - 3, 2)))
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(image.info)


@pytest.fixture
def transforms(monkeypatch) -> list[tuple[str, tuple[int, int]]]:
    """Every ICC transform built (its input mode) and applied (the image's size)."""
    monkeypatch.setattr(decoding, "_TRANSFORMS", {})
    seen: list[tuple[str, tuple[int, int]]] = []
    build, apply = ImageCms.buildTransform, ImageCms.applyTransform

    def built(*args, **kwargs):
        seen.append(("build", args[2]))
        return build(*args, **kwargs)

    def applied(im, transform, *args, **kwargs):
        seen.append(("apply", im.size))
        return apply(im, transform, *args, **kwargs)

    monkeypatch.setattr(ImageCms, "buildTransform", built)
    monkeypatch.setattr(ImageCms, "applyTransform", applied)
    return seen


def test_an_srgb_profile_is_dropped_without_converting(transforms) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    tagged = make_set(make_jpeg(1600, 1200, icc_profile=srgb))
    untagged = make_set(make_jpeg(1600, 1200))
    for name, image in tagged.items():
        assert "icc_profile" not in image.info
        assert not ImageChops.difference(image, untagged[name]).getbbox()
    # What told it apart: one transform tried on the 64x64 swatch of colours.
    assert transforms == [("build", "RGB"), ("apply", (64, 64))]
    make_set(make_jpeg(1600, 1200, icc_profile=srgb))
    assert len(transforms) == 2  # and remembered


def test_a_profile_is_converted_once_per_set_and_its_transform_kept(transforms) -> None:
    data = make_jpeg(4000, 3000, icc_profile=icc_swapping_red_and_blue())
    make_set(data)
    make_set(data)
    assert [seen for seen in transforms if seen[0] == "build"] == [("build", "RGB")] * 2
    # The swatch once; then LARGE, once a set: the smaller sizes start from it.
    assert [seen for seen in transforms if seen[0] == "apply"] == [
        ("apply", (64, 64)),
        ("apply", (1280, 960)),
        ("apply", (1280, 960)),
    ]


def test_a_large_profile_is_converted_but_not_kept(transforms, monkeypatch) -> None:
    monkeypatch.setattr(decoding, "_KEPT_PROFILE_BYTES", 100)
    data = make_jpeg(700, 500, icc_profile=icc_swapping_red_and_blue())
    images = make_set(data)
    assert is_blue(images["large"].getpixel((2, 2)))
    make_set(data)
    assert decoding._TRANSFORMS == {}
    assert [seen for seen in transforms if seen[0] == "build"] == [("build", "RGB")] * 4


def test_images_it_does_not_resample_are_left_to_the_processors() -> None:
    palette = io.BytesIO()
    picture(900, 600).convert("P").save(palette, "PNG")
    images = make_set(palette.getvalue())
    assert {image.size for image in images.values()} == {(900, 600)}
    assert thumbnail_sizes(images) == {
        "large": (900, 600),
        "medium": (640, 427),
        "small": (320, 320),
    }
