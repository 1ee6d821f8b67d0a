"""The owner's library: location, the day of takenAt, and the search document, filled
for existing photos from their rows (the EXIF summary already holds the GPS, so no
original is read); on PostgreSQL the search column and its GIN index."""

from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def fill(apps, schema_editor):
    from media_graph.library import places, search
    from media_graph.models.photos import taken_day_columns
    from media_graph.tags import parse_tags

    Photo = apps.get_model("media_graph", "Photo")
    rows = Photo.objects.using(schema_editor.connection.alias).order_by("pk")
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        for photo in batch:
            photo.latitude, photo.longitude = places.location_of(photo.exif)
            photo.taken_month, photo.taken_day = taken_day_columns(photo.taken_at)
            photo.search_document = search.document(
                photo.caption, photo.alt_text, parse_tags(photo.caption)
            )
        fields = ["latitude", "longitude", "taken_month", "taken_day", "search_document"]
        Photo.objects.using(schema_editor.connection.alias).bulk_update(batch, fields)
        last = batch[-1].pk


def add_search_column(apps, schema_editor):
    # PostgreSQL only: SQLite matches the document itself (media_graph/library/search.py).
    if schema_editor.connection.vendor != "postgresql":
        return
    from media_graph.library.search import search_config

    schema_editor.execute(
        "ALTER TABLE media_graph_photo ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        f"(to_tsvector('{search_config()}'::regconfig, search_document)) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX photo_search ON media_graph_photo USING GIN (search_vector)"
    )


def drop_search_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE media_graph_photo DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("media_graph", "0017_notification_follow_request_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="latitude",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="photo",
            name="longitude",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="photo",
            name="search_document",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="photo",
            name="taken_day",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="photo",
            name="taken_month",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="photo",
            index=models.Index(fields=["owner", "latitude", "longitude"], name="photo_owner_place"),
        ),
        migrations.AddIndex(
            model_name="photo",
            index=models.Index(
                fields=["owner", "taken_month", "taken_day"], name="photo_owner_day"
            ),
        ),
        migrations.AddIndex(
            model_name="photo",
            index=models.Index(
                fields=["owner", "taken_at", "created_at"], name="photo_owner_taken"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(add_search_column, drop_search_column),
    ]
