"""`python -m bench.build_data [--force]`: the benchmark data set, built once.

1,000 users following 100 others each, 20,000 published photos with 1-4 #tags (in
their captions too), likes and comments; every counter set from the rows it counts
(checked with media_graph.counters.recount at the end). Rows are written in bulk,
deterministically (fixed seed, fixed clock). Thumbnails point at a few shared files
stored once in the bench media storage. Skips when the data is there already.
"""

import argparse
import io
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.pop("BENCH_MEDIA", None)  # the shared files always go to var/bench-media

from bench import dataset as ds
from bench.database import ensure_database

ANCHOR = datetime(2025, 1, 1, tzinfo=UTC)  # "now" of the data set: dates never drift
BATCH = 2_000
# fmt: off
WORDS = (
    "sunset", "sunrise", "city", "street", "night", "portrait", "travel", "food", "coffee",
    "beach", "mountain", "lake", "forest", "snow", "rain", "autumn", "spring", "summer",
    "winter", "dog", "cat", "bird", "flowers", "garden", "market", "architecture", "bridge",
    "river", "sea", "boat", "train", "bike", "car", "family", "friends", "wedding", "concert",
    "art", "museum", "books", "kitchen", "bread", "macro", "bw", "film", "analog", "drone",
    "skyline", "desert", "island",
)
# fmt: on


def tag_names() -> list[str]:
    """400 tags, the plain words first (the popular ones), then numbered variants."""
    names = list(WORDS)
    suffix = 2
    while len(names) < 400:
        names.extend(f"{word}{suffix}" for word in WORDS)
        suffix += 1
    return names[:400]


def _log(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)


def data_present() -> bool:
    from media_graph.models import Photo
    from users.models import User

    users = User.objects.filter(username__startswith="bench").count()
    photos = Photo.objects.filter(status="PUBLISHED").count()
    return users == ds.USERS and photos == ds.PHOTOS


def store_shared_files() -> None:
    """The few files every row points at, in the media storage (replaced if there)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tests.support.images import picture

    for shared in range(ds.SHARED_SETS):
        base = picture(*ds.ORIGINAL_SIZE)
        if shared:  # tell the sets apart
            base = base.rotate(90 * shared, expand=False)
        files = {ds.original_name(shared): base}
        for size, box in ds.THUMBNAIL_SIZES.items():
            files[ds.thumbnail_name(shared, size)] = base.resize(box)
        for name, image in files.items():
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile(out.getvalue()))


def shared_files_present() -> bool:
    from django.core.files.storage import default_storage

    return all(default_storage.exists(name) for name in ds.shared_files())


def build(started: float) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.db.models import F

    from media_graph.models import Comment, Like, Photo, Tag
    from users.models import Follow, User

    rng = random.Random(ds.SEED)
    n = ds.USERS

    # --- everything decided in memory first, so every counter is known up front ---
    follows = []
    followers = [0] * n
    following_of_viewer: set[int] = set()
    for user in range(n):
        for other in rng.sample(range(n - 1), ds.FOLLOWS_PER_USER):
            other += other >= user  # skip self
            follows.append((user, other))
            followers[other] += 1
            if user == 0:
                following_of_viewer.add(other)

    names = tag_names()
    weights = [1 / (rank + 1) for rank in range(len(names))]
    tag_counts = [0] * len(names)
    photos = []  # (owner, published_at, [tag indexes], likers, comments)
    photos_of = [0] * n
    for index in range(ds.PHOTOS):
        owner = rng.randrange(n)
        photos_of[owner] += 1
        published_at = ANCHOR - timedelta(seconds=rng.randrange(365 * 86_400))
        wanted = rng.randint(*ds.TAGS_PER_PHOTO)
        tags: list[int] = []
        while len(tags) < wanted:
            tag = rng.choices(range(len(names)), weights)[0]
            if tag not in tags:
                tags.append(tag)
        for tag in tags:
            tag_counts[tag] += 1
        likers = set(rng.sample(range(n), min(n - 1, int(rng.expovariate(1 / ds.MEAN_LIKES)))))
        if owner in following_of_viewer and rng.random() < 1 / 3:
            likers.add(0)  # the viewer likes about a third of its feed
        comments = ds.DETAIL_COMMENTS if index == 0 else rng.randint(0, ds.MAX_COMMENTS)
        authors = [rng.randrange(n) for _ in range(comments)]
        photos.append((owner, published_at, tags, sorted(likers), authors))
    _log(f"decided {len(follows)} follows and {ds.PHOTOS} photos", started)

    password = make_password(ds.PASSWORD)  # hashed once: every account shares it
    with transaction.atomic():
        users = User.objects.bulk_create(
            (
                User(
                    username=ds.username(i),
                    email=f"{ds.username(i)}@bench.example.com",
                    display_name=f"Bench User {i}" if i % 4 else "",
                    bio="Benchmark account." if i % 2 else "",
                    password=password,
                    followers_count=followers[i],
                    following_count=ds.FOLLOWS_PER_USER,
                    photos_count=photos_of[i],
                )
                for i in range(n)
            ),
            batch_size=BATCH,
        )
        user_ids = [u.pk for u in users]
        if None in user_ids:  # a backend that does not return ids from bulk inserts
            by_name = dict(User.objects.values_list("username", "pk"))
            user_ids = [by_name[ds.username(i)] for i in range(n)]
        Follow.objects.bulk_create(
            (Follow(follower_id=user_ids[a], followee_id=user_ids[b]) for a, b in follows),
            batch_size=BATCH * 2,
        )
        _log(f"{n} users, {len(follows)} follows", started)

        tags = Tag.objects.bulk_create(
            Tag(name=name, photos_count=count)
            for name, count in zip(names, tag_counts, strict=True)
        )
        tag_ids = [t.pk for t in tags]
        if None in tag_ids:
            by_name = dict(Tag.objects.values_list("name", "pk"))
            tag_ids = [by_name[name] for name in names]

        def photo_row(index: int, row) -> Photo:
            owner, published_at, tags, likers, authors = row
            shared = index % ds.SHARED_SETS
            caption = f"Bench photo {index} " + " ".join(f"#{names[t]}" for t in tags)
            return Photo(
                owner_id=user_ids[owner],
                status=Photo.Status.PUBLISHED,
                caption=caption,
                alt_text=f"Benchmark picture {index}",
                original=ds.original_name(shared),
                content_type="image/jpeg",
                size_bytes=250_000 + index,
                sha256=f"{index:064x}",
                width=ds.ORIGINAL_SIZE[0],
                height=ds.ORIGINAL_SIZE[1],
                exif={"camera": "BenchCam", "iso": 100 + index % 800},
                thumbnails=ds.thumbnails_json(shared),
                processing_status=Photo.ProcessingStatus.READY,
                blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",  # what the thumbnail task stores
                dominant_color="#6a7b8c",
                published_at=published_at,
                likes_count=len(likers),
                comments_count=len(authors),
            )

        created = Photo.objects.bulk_create(
            (photo_row(i, row) for i, row in enumerate(photos)), batch_size=BATCH
        )
        photo_ids = [p.pk for p in created]
        if None in photo_ids:
            by_hash = dict(Photo.objects.values_list("sha256", "pk"))
            photo_ids = [by_hash[f"{i:064x}"] for i in range(ds.PHOTOS)]
        # Made and changed when published, not when the rows were written.
        Photo.objects.update(created_at=F("published_at"), updated_at=F("published_at"))
        _log(f"{ds.PHOTOS} photos", started)

        through = Photo.tags.through
        through.objects.bulk_create(
            (
                through(photo_id=photo_ids[i], tag_id=tag_ids[t])
                for i, row in enumerate(photos)
                for t in row[2]
            ),
            batch_size=BATCH * 2,
        )
        Like.objects.bulk_create(
            (
                Like(user_id=user_ids[u], photo_id=photo_ids[i])
                for i, row in enumerate(photos)
                for u in row[3]
            ),
            batch_size=BATCH * 2,
        )
        Comment.objects.bulk_create(
            (
                Comment(author_id=user_ids[a], photo_id=photo_ids[i], text=f"Comment {k} on {i}")
                for i, row in enumerate(photos)
                for k, a in enumerate(row[4])
            ),
            batch_size=BATCH * 2,
        )
    likes = sum(len(row[3]) for row in photos)
    comments = sum(len(row[4]) for row in photos)
    tagged = sum(len(row[2]) for row in photos)
    _log(f"{tagged} photo tags, {likes} likes, {comments} comments", started)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics for the fresh tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if present")
    args = parser.parse_args(argv)
    started = time.monotonic()
    where = ensure_database()

    import django

    django.setup()
    from django.core.management import call_command

    from media_graph.counters import recount

    call_command("migrate", interactive=False, verbosity=0)
    if data_present() and not args.force:
        if not shared_files_present():
            store_shared_files()
        _log(f"bench data present in {where}; nothing to do (--force rebuilds)", started)
        return 0
    _log(f"building bench data in {where}", started)
    call_command("flush", interactive=False, verbosity=0)
    store_shared_files()
    build(started)
    drift = recount(fix=False)
    if drift:
        print(f"counters disagree with the rows: {drift[:5]} ...", file=sys.stderr)
        return 1
    _log("done; counters match the rows (recount found no drift)", started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
