"""Where a photo was taken: its location read from metadata, and `near` over the columns.

A location is its owner's alone: only the owner's own photos are ever searched by
distance (PhotoQuerySet.own_of), and nothing else sorts or filters by it.
"""

import math
from typing import Any

from django.db import models
from django.db.models.functions import Cos, Least, Power, Radians, Sin

EARTH_RADIUS_KM = 6371.0088  # the mean radius
MAX_RADIUS_KM = 20000.0  # about half the circumference: the whole Earth but the antipode


def location_of(exif: dict[str, Any] | None) -> tuple[float | None, float | None]:
    """(latitude, longitude) from a photo's EXIF summary (imaging/exif.py, imaging/video.py
    put GPS there for images and clips alike), or (None, None) when it has none or it is
    out of range."""
    gps = (exif or {}).get("gps")
    if not isinstance(gps, dict):
        return None, None
    latitude, longitude = gps.get("latitude"), gps.get("longitude")
    if not is_point(latitude, longitude):
        return None, None
    return float(latitude), float(longitude)


def is_point(latitude: Any, longitude: Any) -> bool:
    """Finite numbers within [-90, 90] and [-180, 180]."""
    numbers = (latitude, longitude)
    if any(isinstance(n, bool) or not isinstance(n, int | float) for n in numbers):
        return False
    if not all(math.isfinite(n) for n in numbers):
        return False
    return -90 <= latitude <= 90 and -180 <= longitude <= 180


def bounding_box(latitude: float, longitude: float, radius_km: float) -> models.Q:
    """Rows whose columns fall in a box around the circle: what the (owner, latitude,
    longitude) index can find; the exact distance is checked after it.

    Near a pole the circle covers every longitude; across the antimeridian the box is two.
    """
    angle = radius_km / EARTH_RADIUS_KM  # radians of arc
    spread = math.degrees(angle)
    south, north = latitude - spread, latitude + spread
    box = models.Q(latitude__gte=max(south, -90.0), latitude__lte=min(north, 90.0))
    if south <= -90 or north >= 90:
        return box  # a pole is inside: every longitude
    ratio = math.sin(angle) / math.cos(math.radians(latitude))
    if ratio >= 1:
        return box
    width = math.degrees(math.asin(ratio))
    west, east = longitude - width, longitude + width
    if west < -180:
        return box & (models.Q(longitude__gte=west + 360) | models.Q(longitude__lte=east))
    if east > 180:
        return box & (models.Q(longitude__gte=west) | models.Q(longitude__lte=east - 360))
    return box & models.Q(longitude__gte=west, longitude__lte=east)


def within(latitude: float, longitude: float, radius_km: float) -> models.Q:
    """Rows within `radius_km` of the point by great-circle distance (haversine).

    Compared as the haversine of the angle, a <= sin^2(r / 2R), which needs no arcsine:
    Django's Sin, Cos, Radians and Power run on PostgreSQL and SQLite alike.
    """
    phi = math.radians(latitude)
    half_dlat = (Radians(models.F("latitude")) - phi) / 2
    half_dlon = (Radians(models.F("longitude")) - math.radians(longitude)) / 2
    haversine = Power(Sin(half_dlat), 2) + math.cos(phi) * Cos(Radians(models.F("latitude"))) * (
        Power(Sin(half_dlon), 2)
    )
    limit = math.sin(radius_km / EARTH_RADIUS_KM / 2) ** 2
    closeness = Least(haversine, models.Value(1.0), output_field=models.FloatField())
    return bounding_box(latitude, longitude, radius_km) & models.Q(
        models.lookups.LessThanOrEqual(closeness, models.Value(limit))
    )
