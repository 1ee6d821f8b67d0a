"""`python -m bench.library_data [--force]`: the library scenarios' data set, built once.

100,000 photos in a database of their own (BENCH_DATASET=library: photo_bench_library,
or var/bench-library.sqlite3), so the other scenarios keep their data and timings:
the viewer (OWNER) has 20,000 of them, 99 other users the rest. Captions are 2 to 6
words of a 50-word vocabulary (searching one word matches about a tenth of the
photos: a hard case for ranking), every photo has a location (the viewer's around
three cities, everyone else's around the same cities and the world over) and a takenAt
within 15 years. Rows are written in bulk, deterministically (fixed seed, fixed clock),
with the columns the services would set.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["BENCH_DATASET"] = "library"
os.environ.pop("BENCH_MEDIA", None)

from bench import dataset as ds
from bench.build_data import ANCHOR, WORDS, _log
from bench.database import ensure_database

PHOTOS = 100_000
OWNER_PHOTOS = 20_000
USERS = 100
OWNER = "lib0000"
CITIES = ((48.8566, 2.3522), (40.7128, -74.0060), (35.6762, 139.6503))
YEARS = 15
BATCH = 5_000


def username(index: int) -> str:
    return f"lib{index:04d}"


def data_present() -> bool:
    from media_graph.models import Photo

    return (
        Photo.objects.count() == PHOTOS
        and Photo.objects.filter(owner__username=OWNER).count() == OWNER_PHOTOS
    )


def _place(rng: random.Random, mine: bool) -> tuple[float, float]:
    if mine or rng.random() < 0.5:
        latitude, longitude = rng.choice(CITIES)
        # within about 50 km of the city, denser near its centre
        return latitude + rng.gauss(0, 0.15), longitude + rng.gauss(0, 0.2)
    return rng.uniform(-60, 70), rng.uniform(-180, 180)


def build(started: float) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from media_graph.library.search import document
    from media_graph.models import Photo
    from media_graph.models.photos import taken_day_columns
    from users.models import User

    rng = random.Random(ds.SEED)
    password = make_password(ds.PASSWORD)
    User.objects.bulk_create(
        User(username=username(i), email=f"{username(i)}@example.com", password=password)
        for i in range(USERS)
    )
    users = list(User.objects.order_by("username").values_list("pk", flat=True))
    _log(f"{USERS} users", started)
    thumbnails = ds.thumbnails_json(0)
    rows = []
    for i in range(PHOTOS):
        mine = i < OWNER_PHOTOS
        owner = users[0] if mine else users[1 + i % (USERS - 1)]
        caption = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
        latitude, longitude = _place(rng, mine)
        taken = ANCHOR - timedelta(seconds=rng.randrange(YEARS * 365 * 86400))
        month, day = taken_day_columns(taken)
        rows.append(
            Photo(
                owner_id=owner,
                status=Photo.Status.PUBLISHED,
                caption=caption,
                search_document=document(caption, "", []),
                original=ds.original_name(0),
                content_type="image/jpeg",
                size_bytes=100_000,
                sha256=f"{i:064x}",
                width=1600,
                height=1200,
                thumbnails=thumbnails,
                processing_status=Photo.ProcessingStatus.READY,
                published_at=ANCHOR - timedelta(minutes=i),
                latitude=latitude,
                longitude=longitude,
                taken_at=taken,
                taken_month=month,
                taken_day=day,
            )
        )
        if len(rows) == BATCH:
            Photo.objects.bulk_create(rows)
            rows = []
    Photo.objects.bulk_create(rows)
    photos_of = {pk: 0 for pk in users}
    for i in range(PHOTOS):
        photos_of[users[0] if i < OWNER_PHOTOS else users[1 + i % (USERS - 1)]] += 1
    for pk, count in photos_of.items():
        User.objects.filter(pk=pk).update(photos_count=count)
    _log(f"{PHOTOS} photos", started)
    with connection.cursor() as cursor:
        # VACUUM too: index-only scans (the timeline's) need the pages marked all-visible.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if present")
    args = parser.parse_args(argv)
    started = time.monotonic()
    where = ensure_database()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if data_present() and not args.force:
        _log(f"library bench data present in {where}; nothing to do (--force rebuilds)", started)
        return 0
    _log(f"building library bench data in {where}", started)
    call_command("flush", interactive=False, verbosity=0)
    build(started)
    _log("done", started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
