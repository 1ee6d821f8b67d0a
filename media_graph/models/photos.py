import uuid
from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from media_graph.querysets import PhotoQuerySet, TagQuerySet
from media_graph.tags import MAX_TAGS_PER_CAPTION, TAG_MAX_LENGTH, parse_tags
from project.codes import PayloadCode

CAPTION_MAX_LENGTH = 2200
ALT_TEXT_MAX_LENGTH = 1000
SOURCE_NAME_MAX_LENGTH = 100


def validate_caption_tags(caption: str) -> None:
    if len(parse_tags(caption)) > MAX_TAGS_PER_CAPTION:
        raise ValidationError(
            f"A caption may carry at most {MAX_TAGS_PER_CAPTION} #tags.", code=PayloadCode.INVALID
        )


class Tag(models.Model):
    name = models.CharField(max_length=TAG_MAX_LENGTH, unique=True, help_text="Lower-case, no '#'.")
    photos_count = models.PositiveIntegerField(default=0, help_text="Published photos.")

    objects = TagQuerySet.as_manager()

    class Meta:
        # The optimizer prefetches related rows through the base manager; visible_to
        # must be there too (it filters nothing unless called).
        base_manager_name = "objects"
        ordering = ["name"]
        indexes = [models.Index(fields=["-photos_count", "name"], name="tag_most_used")]

    def __str__(self) -> str:
        return self.name


class Photo(models.Model):
    class Status(models.TextChoices):
        DRAFT = "DRAFT"
        PUBLISHED = "PUBLISHED"
        # Published at `published_at`, still in the future: only the owner sees it until
        # then. From that moment every query treats it as published (querysets compare
        # with the database's clock); the status and the counters follow before the
        # next read of a counter (schema/server/scheduled.py) or periodic run, whichever first.
        SCHEDULED = "SCHEDULED"

    class ProcessingStatus(models.TextChoices):
        PENDING = "PENDING"
        READY = "READY"
        FAILED = "FAILED"

    class Kind(models.TextChoices):
        PHOTO = "PHOTO"
        # A clip: `original` is the playable file; the worker decodes a poster frame,
        # recorded as thumbnails["poster"], which every rendition is made from.
        VIDEO = "VIDEO"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="photos"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.PHOTO)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    caption = models.TextField(
        blank=True, validators=[MaxLengthValidator(CAPTION_MAX_LENGTH), validate_caption_tags]
    )
    alt_text = models.TextField(blank=True, validators=[MaxLengthValidator(ALT_TEXT_MAX_LENGTH)])
    tags = models.ManyToManyField(Tag, related_name="photos", blank=True)

    # The original, under a server-chosen key (originals/<uuid>.<ext>), and what its
    # bytes say about it: never the client's file name or content type.
    original = models.FileField(max_length=255)
    content_type = models.CharField(max_length=32)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(help_text="After EXIF orientation.")
    height = models.PositiveIntegerField(help_text="After EXIF orientation.")
    exif = models.JSONField(default=dict, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True, help_text="Videos only.")
    taken_at = models.DateTimeField(null=True, blank=True)
    # {"small": {"name": ..., "width": ..., "height": ...}, ...}; empty until they are made.
    # A video's has "poster" too: the frame the others (and the variants) are made from,
    # and "playback": the copy without metadata that everyone but the owner plays
    # (media_graph/playback.py). Deleting what the set names deletes both with it.
    thumbnails = models.JSONField(default=dict, blank=True)
    # Written in the same statement as `thumbnails`: READY exactly when the set is there.
    processing_status = models.CharField(
        max_length=8,
        choices=ProcessingStatus.choices,
        default=ProcessingStatus.PENDING,
        help_text="PENDING until its variants exist; FAILED when making them failed for good.",
    )
    # Placeholders a client shows while the image loads, made by the thumbnail task from
    # a small rendition: columns, so showing them costs no query and no storage call.
    blurhash = models.CharField(max_length=64, blank=True, default="", help_text="4x3 BlurHash.")
    dominant_color = models.CharField(max_length=7, blank=True, default="", help_text="#rrggbb")
    # Runs of the thumbnail task so far: a worker killed mid-task hands the message back,
    # so without a count one set that always outlives its time limit would run forever.
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    # Which set the thumbnails' keys name (thumbnails.set_name): up by one whenever a
    # recorded set is replaced, so a key served as immutable never names other bytes.
    thumbnails_version = models.PositiveSmallIntegerField(default=1)
    # Set by a moderator (moderation/services/): gone for everyone but its owner, who
    # still sees it, marked. Cleared to undo; counters keep it (docs/moderation.md).
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Related files (services/related.py): a group of the owner's photos of one moment.
    group = models.ForeignKey(
        "media_graph.PhotoGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    # The client's file name without its extension (IMG_0001 of IMG_0001.HEIC), kept only
    # to pair uploads (services/related.py); never used as a storage key.
    source_name = models.CharField(max_length=SOURCE_NAME_MAX_LENGTH, blank=True, default="")

    # The owner's library (docs/library.md). Where it was taken, from the EXIF GPS or a
    # clip's location atom: the owner's alone (Photo.location, PhotoFilter.near).
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # The UTC month and day of taken_at, so "on this day" reads an index (save() fills them).
    taken_month = models.PositiveSmallIntegerField(null=True, blank=True)
    taken_day = models.PositiveSmallIntegerField(null=True, blank=True)
    # Caption, alt text and tag names as lower-case words, each wrapped in spaces
    # (media_graph/library/search.py): what search matches. PostgreSQL keeps a tsvector
    # of it in a generated column with a GIN index (migration 0018, not on the model).
    search_document = models.TextField(blank=True, default="")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    liked_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Like", related_name="liked_photos", blank=True
    )
    likes_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        # The optimizer prefetches related rows through the base manager; visible_to
        # must be there too (it filters nothing unless called).
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256"], name="photo_sha256_per_owner"),
            models.CheckConstraint(
                condition=models.Q(status="DRAFT", published_at__isnull=True)
                | models.Q(status__in=["PUBLISHED", "SCHEDULED"], published_at__isnull=False),
                name="photo_published_at_matches_status",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="PHOTO", duration_seconds__isnull=True)
                | models.Q(kind="VIDEO", duration_seconds__isnull=False),
                name="photo_duration_for_videos_only",
            ),
        ]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="photo_published"),
            models.Index(fields=["owner", "-created_at"], name="photo_owner_recent"),
            # An event's photos: the owner's, by takenAt else createdAt (querysets.taken_or_made).
            models.Index(
                models.F("owner"),
                Coalesce("taken_at", "created_at"),
                models.F("id"),
                name="photo_owner_moment",
            ),
            # Pairing uploads: the owner's photos of this file name (services/related.py).
            models.Index(
                fields=["owner", "source_name"],
                condition=~models.Q(source_name=""),
                name="photo_owner_source_name",
            ),
            # Which scheduled photos are due: asked before every read of photosCount
            # (schema/server/scheduled.py), so it must not scan the published ones.
            models.Index(
                fields=["published_at"],
                condition=models.Q(status="SCHEDULED"),
                name="photo_scheduled",
            ),
            # The repair command's question: which photos still lack their variants?
            models.Index(
                fields=["processing_status"],
                condition=~models.Q(processing_status="READY"),
                name="photo_unprocessed",
            ),
            # `near`: the owner's photos in a latitude band, then longitude (a bounding box).
            models.Index(fields=["owner", "latitude", "longitude"], name="photo_owner_place"),
            # `memories`: the owner's photos taken on a month and day.
            models.Index(fields=["owner", "taken_month", "taken_day"], name="photo_owner_day"),
            # `timeline`: the owner's months, counted from the index alone.
            models.Index(fields=["owner", "taken_at", "created_at"], name="photo_owner_taken"),
        ]

    def __str__(self) -> str:
        return f"Photo {self.pk} by {self.owner_id}"

    def save(self, *args, **kwargs) -> None:
        # The day columns follow taken_at wherever it is written (bulk writes set them
        # through taken_day_columns themselves).
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "taken_at" in update_fields:
            self.taken_month, self.taken_day = taken_day_columns(self.taken_at)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "taken_month", "taken_day"}
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        """Published for everyone: PUBLISHED, or SCHEDULED and its time has come."""
        if self.status == self.Status.SCHEDULED:
            return self.published_at <= timezone.now()
        return self.status == self.Status.PUBLISHED

    @property
    def is_counted(self) -> bool:
        """In the owner's and its tags' photos_count: PUBLISHED (a due SCHEDULED photo
        is counted when the periodic task publishes it)."""
        return self.status == self.Status.PUBLISHED

    @property
    def live_status(self) -> str:
        """The status as every client sees it: a due SCHEDULED photo is PUBLISHED."""
        return self.Status.PUBLISHED if self.is_published else self.status

    def stored_names(self) -> list[str]:
        """Every object of this photo in storage (see `stored_names` below): one query."""
        return stored_names(
            self.original.name, self.thumbnails, self.variants.values_list("name", flat=True)
        )

    @property
    def rendition_source(self) -> str | None:
        """The stored image renditions are made from: the original, or a video's poster
        (None until the worker has made it)."""
        if self.kind == self.Kind.VIDEO:
            return self.thumbnails.get("poster", {}).get("name")
        return self.original.name


def stored_names(original: str, thumbnails: dict, variants: Iterable[str]) -> list[str]:
    """Every object a photo keeps in storage: the one list that deleting a photo,
    deleting an account and the repair sweep all use.

    `thumbnails` is the row's set (a video's poster included, under "poster"), and
    `variants` the names of its ImageVariant rows (the width ladder). A kind of object
    that a photo gains is added here, once.
    """
    return [original, *(entry["name"] for entry in thumbnails.values()), *variants]


def taken_day_columns(taken_at) -> tuple[int | None, int | None]:
    """(month, day) of a takenAt in UTC, for the memories index; (None, None) without one."""
    if taken_at is None:
        return None, None
    utc = taken_at.astimezone(UTC)
    return utc.month, utc.day


def original_key(extension: str) -> str:
    return f"originals/{uuid.uuid4().hex}.{extension}"
