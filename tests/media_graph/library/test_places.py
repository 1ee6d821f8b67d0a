"""The location read from a photo's EXIF summary, and the bounding box around a circle."""

import math

import pytest

from media_graph.library import places
from media_graph.library.search import document, words


@pytest.mark.parametrize(
    ("exif", "expected"),
    [
        ({"gps": {"latitude": 48.85, "longitude": 2.35}}, (48.85, 2.35)),
        ({"gps": {"latitude": -90, "longitude": 180}}, (-90.0, 180.0)),
        ({}, (None, None)),
        (None, (None, None)),
        ({"gps": "48.85,2.35"}, (None, None)),
        ({"gps": {"latitude": 91, "longitude": 0}}, (None, None)),
        ({"gps": {"latitude": 0, "longitude": -180.5}}, (None, None)),
        ({"gps": {"latitude": math.nan, "longitude": 0}}, (None, None)),
        ({"gps": {"latitude": True, "longitude": 0}}, (None, None)),
        ({"gps": {"latitude": "1", "longitude": 0}}, (None, None)),
        ({"gps": {"latitude": 1}}, (None, None)),
    ],
)
def test_location_of_takes_only_points_in_range(exif, expected):
    assert places.location_of(exif) == expected


def _box_holds(latitude, longitude, radius_km, point) -> bool:
    """Whether the box's condition holds for `point`, evaluated in Python."""
    condition = places.bounding_box(latitude, longitude, radius_km)

    def holds(node) -> bool:
        results = []
        for child in node.children:
            if hasattr(child, "children"):
                results.append(holds(child))
                continue
            (field, _, op), value = child[0].partition("__"), child[1]
            actual = point[0] if field == "latitude" else point[1]
            results.append(actual >= value if op == "gte" else actual <= value)
        return all(results) if node.connector == "AND" else any(results)

    return holds(condition)


@pytest.mark.parametrize(
    ("centre", "radius", "inside"),
    [
        ((48.85, 2.35), 10, [(48.85, 2.35), (48.9, 2.4)]),
        ((-17.0, 179.95), 50, [(-17.0, -179.9), (-17.0, 179.9)]),  # across the antimeridian
        ((-17.0, -179.95), 50, [(-17.0, 179.9)]),
        ((89.9, 10.0), 30, [(89.9, -170.0)]),  # across the pole: every longitude
        ((0, 0), 20000, [(-89, 179), (89, -179)]),
    ],
)
def test_the_box_holds_every_point_within_the_radius(centre, radius, inside):
    for point in inside:
        assert _box_holds(*centre, radius, point), point


def test_the_box_leaves_out_far_points():
    assert not _box_holds(48.85, 2.35, 10, (48.85, 3.0))
    assert not _box_holds(48.85, 2.35, 10, (49.2, 2.35))
    assert not _box_holds(-17.0, 179.95, 50, (-17.0, 0.0))


def test_words_and_documents_as_both_databases_match_them():
    assert words("First light #Sunrise, e-mail foo_bar Ünïcode 42") == [
        "first", "light", "sunrise", "e", "mail", "foo", "bar", "ünïcode", "42",
    ]  # fmt: skip
    assert document("Dusk dusk", "", ["dusk"]) == " dusk  dusk  dusk "
