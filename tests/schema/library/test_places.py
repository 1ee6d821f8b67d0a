"""Photo.location and PhotoFilter.near/kind/takenAfter/takenBefore: the owner's alone."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from media_graph.models import Photo
from media_graph.services.photos import photo_upload
from tests.schema.library.library import photo_with
from tests.schema.media.reading import READING, list_photos
from tests.support.client import captions
from tests.support.videos import clip

pytestmark = READING

PARIS = (48.8566, 2.3522)
VERSAILLES = (48.8049, 2.1204)  # 18 km from Paris
LONDON = (51.5074, -0.1278)  # 344 km from Paris

LOCATIONS = """
query { photos { edges { node { caption location { latitude longitude } } } } }
"""


@pytest.fixture
def places(alice, bob):
    photo_with(alice, "alice paris", gps=PARIS)
    photo_with(alice, "alice versailles", gps=VERSAILLES)
    photo_with(alice, "alice london", gps=LONDON)
    photo_with(alice, "alice nowhere")
    photo_with(bob, "bob paris", gps=PARIS)


def located(client) -> dict[str, dict | None]:
    edges = client.execute(LOCATIONS).data["photos"]["edges"]
    return {edge["node"]["caption"]: edge["node"]["location"] for edge in edges}


def test_location_is_read_from_exif_gps_and_shown_to_the_owner_only(viewers, places):
    mine = located(viewers["alice"])
    assert mine["alice paris"] == pytest.approx({"latitude": PARIS[0], "longitude": PARIS[1]})
    assert mine["alice nowhere"] is None
    assert mine["bob paris"] is None  # bob's, published, seen by alice: no location
    assert located(viewers["bob"])["alice paris"] is None
    assert set(located(viewers["anonymous"]).values()) == {None}
    row = Photo.objects.get(caption="alice london")
    assert (row.latitude, row.longitude) == pytest.approx(LONDON)


def test_a_clips_location_atom_is_its_location(viewers, alice):
    content = clip(metadata={"location": "+37.7749-122.4194+010.000/"})
    upload = SimpleUploadedFile("c.mp4", content, content_type="video/mp4")
    photo_upload(owner=alice, file=upload, caption="clip", publish=True)
    assert located(viewers["alice"])["clip"] == pytest.approx(
        {"latitude": 37.7749, "longitude": -122.4194}
    )
    assert located(viewers["bob"])["clip"] is None


def near(client, latitude, longitude, radius_km, **filters):
    circle = {"latitude": latitude, "longitude": longitude, "radiusKm": radius_km}
    return captions(list_photos(client, filters={"near": circle, **filters}))


def test_near_finds_the_owners_photos_within_the_radius(viewers, places):
    assert near(viewers["alice"], *PARIS, 10) == ["alice paris"]
    assert sorted(near(viewers["alice"], *PARIS, 20)) == ["alice paris", "alice versailles"]
    assert len(near(viewers["alice"], *PARIS, 400)) == 3
    assert near(viewers["alice"], 0, 0, 100) == []


def test_near_never_matches_anyone_elses_photos(viewers, places):
    # Public, published photos with a location: still nothing, for anyone but the owner.
    assert near(viewers["bob"], *PARIS, 20000) == ["bob paris"]
    assert near(viewers["anonymous"], *PARIS, 20000) == []
    assert near(viewers["bob"], *VERSAILLES, 1) == []


def test_near_across_the_antimeridian_and_at_a_pole(viewers, alice):
    photo_with(alice, "fiji east", gps=(-17.0, 179.9))
    photo_with(alice, "fiji west", gps=(-17.0, -179.9))
    photo_with(alice, "pole", gps=(89.9, 10.0))
    assert sorted(near(viewers["alice"], -17.0, 179.95, 50)) == ["fiji east", "fiji west"]
    assert sorted(near(viewers["alice"], -17.0, -179.95, 50)) == ["fiji east", "fiji west"]
    # Across the pole: the other side's longitude, 22 km away.
    assert near(viewers["alice"], 89.9, -170.0, 30) == ["pole"]


@pytest.mark.parametrize(
    "circle",
    [
        {"latitude": 91, "longitude": 0, "radiusKm": 1},
        {"latitude": -90.5, "longitude": 0, "radiusKm": 1},
        {"latitude": 0, "longitude": 180.1, "radiusKm": 1},
        {"latitude": 0, "longitude": 0, "radiusKm": 0},
        {"latitude": 0, "longitude": 0, "radiusKm": -5},
        {"latitude": 0, "longitude": 0, "radiusKm": 20000.5},
        {"latitude": "north", "longitude": 0, "radiusKm": 1},
        {"latitude": 0, "longitude": 0},
    ],
)
def test_malformed_circles_are_codes(viewers, circle):
    response = viewers["alice"].execute(
        "query($f: PhotoFilter) { photos(filters: $f) { totalCount } }", {"f": {"near": circle}}
    )
    assert response.error_codes == ["BAD_USER_INPUT"]


def test_kind_and_taken_filters(viewers, alice):
    photo_with(alice, "old", taken_at="2019:03:01 10:00:00")
    photo_with(alice, "new", taken_at="2024:03:01 10:00:00")
    photo_with(alice, "undated")
    upload = SimpleUploadedFile("c.mp4", clip(), content_type="video/mp4")
    photo_upload(owner=alice, file=upload, caption="a clip", publish=True)
    client = viewers["bob"]
    assert captions(list_photos(client, filters={"kind": "VIDEO"})) == ["a clip"]
    assert "a clip" not in captions(list_photos(client, filters={"kind": "PHOTO"}))
    after = {"takenAfter": "2020-01-01T00:00:00Z"}
    assert captions(list_photos(client, filters=after)) == ["new"]
    before = {"takenBefore": "2020-01-01T00:00:00+00:00"}
    assert captions(list_photos(client, filters=before)) == ["old"]
    both = {**after, "takenBefore": "2023-01-01T00:00:00Z"}
    assert captions(list_photos(client, filters=both)) == []


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01T00:00:00Z", 12])
def test_malformed_taken_dates_are_codes(viewers, value):
    response = viewers["alice"].execute(
        "query($f: PhotoFilter) { photos(filters: $f) { totalCount } }",
        {"f": {"takenAfter": value}},
    )
    assert response.error_codes and "INTERNAL_SERVER_ERROR" not in response.error_codes


def test_a_direct_upload_keeps_its_location_too(gql, alice, login, media):
    from tests.schema.media.direct import upload_directly
    from tests.support.images import make_exif, make_jpeg

    login(alice)
    content = make_jpeg(320, 240, exif=make_exif(gps=LONDON))
    photo = upload_directly(gql, content)
    assert photo["__typename"] == "Photo", photo
    found = gql.execute(
        "query($id: ID!) { photo(id: $id) { location { latitude longitude } } }",
        {"id": photo["id"]},
    )
    assert found.data["photo"]["location"] == pytest.approx(
        {"latitude": LONDON[0], "longitude": LONDON[1]}
    )


@pytest.mark.parametrize("gps", [(95.0, 10.0), (10.0, 200.0)])
def test_a_gps_block_out_of_range_is_no_location_and_no_error(viewers, alice, gps):
    photo = photo_with(alice, "odd gps", gps=gps)
    assert (photo.latitude, photo.longitude) == (None, None)
    assert located(viewers["alice"])["odd gps"] is None
