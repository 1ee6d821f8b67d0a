"""Repair: make the thumbnails a storage outage left out.

Thumbnail names are derived from the original's and saves overwrite, so an object
found under one of them (a write that timed out and still landed) is replaced; a
photo never fails here for ever because of what an earlier failure left behind.
"""

from django.core.management.base import BaseCommand

from media_graph.models import Photo
from media_graph.services.photos import photo_make_thumbnails


class Command(BaseCommand):
    help = (
        "Make the thumbnails of photos that have none (their generation failed, e.g. "
        "during a storage outage), overwriting any object left under their names. "
        "--all remakes every photo's set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="remake every photo's set")

    def handle(self, *args, all: bool = False, **options):
        photos = Photo.objects.order_by("pk")
        if not all:
            photos = photos.filter(thumbnails={})
        made = failed = 0
        for photo in photos.iterator(chunk_size=100):
            if photo_make_thumbnails(photo=photo):
                made += 1
            else:
                failed += 1
        self.stdout.write(f"made thumbnails for {made} photo(s), {failed} failed")
        if failed:
            raise SystemExit(1)
