"""`manage.py seed_demo`: demo accounts, photos, follows, likes, comments and albums.

Everything is written through the services, as the API would write it, so counters,
tags and thumbnails come out right. It runs outside any transaction on purpose: each
service commits on its own, and thumbnails are made when an upload commits.
"""

import time

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from media_graph.demo.data import (
    ALBUMS,
    COMMENTS,
    DEFAULT_PASSWORD,
    EMAIL_DOMAIN,
    FOLLOWS,
    LIKES,
    PHOTOS,
    USERS,
)
from media_graph.demo.images import render
from media_graph.models import Photo
from media_graph.services.albums import album_create, album_update
from media_graph.services.comments import comment_add
from media_graph.services.follows import user_follow
from media_graph.services.likes import photo_like
from media_graph.services.photos import photo_publish, photo_upload
from users.models import User
from users.services.accounts import user_register, user_update_profile


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo users, follows, photos (with generated images, "
        "EXIF and thumbnails), likes, comments and albums. FOR LOCAL DEMOS ONLY: every demo "
        f"account shares one known password (default {DEFAULT_PASSWORD!r}). Does nothing "
        "when the demo users exist already."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every demo account (default: {DEFAULT_PASSWORD})",
        )

    def handle(self, *args, password: str, **options):
        usernames = [u.username for u in USERS]
        existing = sorted(
            User.objects.filter(
                Q(username__in=usernames)
                | Q(email__in=[f"{name}@{EMAIL_DOMAIN}" for name in usernames])
            ).values_list("username", flat=True)
        )
        if existing:
            self.stdout.write(
                f"Demo users exist already ({', '.join(existing)}); nothing to do. "
                "To start over, use a fresh database."
            )
            return
        try:
            password_validation.validate_password(password)
        except ValidationError as exc:
            raise CommandError(f"--password: {' '.join(exc.messages)}") from None
        if not settings.DEBUG:
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is off. These demo accounts share a known password: "
                    "never seed a database that faces the internet."
                )
            )

        started = time.monotonic()
        users = self._users(password)
        for follower, followee in FOLLOWS:
            user_follow(follower=users[follower], followee=users[followee])
        photos = self._photos(users)
        likes = 0
        for key, likers in LIKES.items():
            for liker in likers:
                likes += photo_like(photo=photos[key], user=users[liker])
        for key, author, text in COMMENTS:
            comment_add(photo=photos[key], author=users[author], text=text)
        for owner, title, description, visibility, keys, cover in ALBUMS:
            album = album_create(
                owner=users[owner],
                title=title,
                description=description,
                visibility=visibility,
                photo_ids=[photos[key].pk for key in keys],
            )
            if cover:
                album_update(album=album, actor=users[owner], cover=photos[cover])
        elapsed = time.monotonic() - started

        published = sum(1 for p in PHOTOS if p.publish)
        missing = Photo.objects.filter(pk__in=[p.pk for p in photos.values()], thumbnails={})
        self.stdout.write(
            self.style.SUCCESS(f"Seeded the demo in {elapsed:.1f}s:")
            + f"\n  users     {len(users)} ({', '.join(usernames)})"
            + f"\n  follows   {len(FOLLOWS)}"
            + f"\n  photos    {len(photos)} ({published} published, "
            + f"{len(photos) - published} drafts)"
            + f"\n  likes     {likes}"
            + f"\n  comments  {len(COMMENTS)}"
            + f"\n  albums    {len(ALBUMS)} (1 public, 1 private)"
        )
        if missing.exists():
            self.stderr.write(
                self.style.WARNING(
                    f"{missing.count()} photo(s) have no thumbnails yet: a worker makes "
                    "them; `python manage.py make_thumbnails --fix` re-queues any that failed."
                )
            )
        self.stdout.write(
            f"Log in as any of {', '.join(usernames)} with the password {password!r} "
            "(local demos only), e.g.\n"
            f'  mutation {{ tokenAuth(username: "{usernames[0]}", password: "{password}") '
            "{ token } }"
        )

    def _users(self, password: str) -> dict[str, User]:
        users = {}
        for demo in USERS:
            user = user_register(
                username=demo.username,
                email=f"{demo.username}@{EMAIL_DOMAIN}",
                password=password,
                display_name=demo.display_name,
            )
            users[demo.username] = user_update_profile(user=user, bio=demo.bio)
        return users

    def _photos(self, users: dict[str, User]) -> dict[str, Photo]:
        photos = {}
        for demo in PHOTOS:
            content = render(demo.image)
            extension = "webp" if demo.image.format == "WEBP" else "jpg"
            upload = SimpleUploadedFile(
                f"{demo.key}.{extension}",
                content,
                content_type="image/webp" if extension == "webp" else "image/jpeg",
            )
            owner = users[demo.owner]
            photo = photo_upload(
                owner=owner, file=upload, caption=demo.caption, alt_text=demo.alt_text
            )
            if demo.publish:
                photo = photo_publish(photo=photo, actor=owner)
            photos[demo.key] = photo
        return photos
