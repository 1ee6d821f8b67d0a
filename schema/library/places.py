"""Place and NearInput: where a photo was taken, and `near` in PhotoFilter (owner only)."""

import strawberry

from media_graph.library import places
from schema.core.errors import BadUserInput


@strawberry.type(description="Where a photo was taken: degrees, WGS 84.")
class Place:
    latitude: float
    longitude: float


@strawberry.input(description="A circle on the Earth: radiusKm in (0, 20000].")
class NearInput:
    latitude: float = strawberry.field(description="-90 to 90.")
    longitude: float = strawberry.field(description="-180 to 180.")
    radius_km: float = strawberry.field(description="Great-circle distance, in (0, 20000].")


def checked_near(near: NearInput) -> NearInput:
    """The circle, or BAD_USER_INPUT naming what is out of range."""
    if not places.is_point(near.latitude, near.longitude):
        raise BadUserInput(
            "'near' takes a latitude within [-90, 90] and a longitude within [-180, 180]."
        )
    if not 0 < near.radius_km <= places.MAX_RADIUS_KM:
        raise BadUserInput(f"'near.radiusKm' must be in (0, {places.MAX_RADIUS_KM:g}].")
    return near
