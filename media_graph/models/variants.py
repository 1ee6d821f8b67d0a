from collections.abc import Iterable

from django.db import models


class ImageVariant(models.Model):
    """A stored variant of a photo: one width on the ladder, one format, one rendition
    version. Its row exists only once its object is stored; the unique constraint and
    the render lock (media_graph.variants) make each one once."""

    class Format(models.TextChoices):
        JPEG = "JPEG"
        WEBP = "WEBP"
        AVIF = "AVIF"

    photo = models.ForeignKey(
        "media_graph.Photo", on_delete=models.CASCADE, related_name="variants"
    )
    width = models.PositiveSmallIntegerField()
    format = models.CharField(max_length=4, choices=Format.choices)
    version = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=255)
    size_bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "width", "format", "version"], name="image_variant_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.photo_id})"


def variant_names_by_photo(photos: Iterable) -> dict[int, list[str]]:
    """The stored names of these photos' ladder variants (photos: a queryset or ids), by
    photo id, in one query."""
    names: dict[int, list[str]] = {}
    for photo_id, name in ImageVariant.objects.filter(photo__in=photos).values_list(
        "photo_id", "name"
    ):
        names.setdefault(photo_id, []).append(name)
    return names
