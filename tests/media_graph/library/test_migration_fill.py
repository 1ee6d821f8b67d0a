"""Migration 0018 fills the new columns of photos that existed before it, from their rows."""

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import connection

from media_graph.models import Photo

migration = importlib.import_module("media_graph.migrations.0018_photo_location_days_search")


class _Editor:
    connection = connection


@pytest.mark.django_db
def test_existing_photos_get_location_day_and_search_document(make_user):
    owner = make_user("ann")
    common = dict(owner=owner, original="o.jpg", content_type="image/jpeg", size_bytes=1)
    common |= dict(width=1, height=1)
    # bulk_create, as rows written before the columns existed: save() fills nothing.
    Photo.objects.bulk_create(
        [
            Photo(
                **common,
                sha256="a" * 64,
                caption="Dusk #Sea",
                alt_text="Boat",
                exif={"gps": {"latitude": 51.5, "longitude": -0.12}},
                taken_at=datetime(2020, 6, 14, 23, 30, tzinfo=UTC),
            ),
            Photo(**common, sha256="b" * 64, exif={"gps": {"latitude": 123}}),
        ]
    )
    migration.fill(apps, _Editor())
    located, other = Photo.objects.order_by("pk")
    assert (located.latitude, located.longitude) == (51.5, -0.12)
    assert (located.taken_month, located.taken_day) == (6, 14)
    assert located.search_document == " dusk  sea  boat  sea "
    assert (other.latitude, other.taken_month, other.search_document) == (None, None, "")
