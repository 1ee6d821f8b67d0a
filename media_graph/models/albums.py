from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from media_graph.querysets import AlbumQuerySet

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2200
# Members of one album besides its owner (the contract's third wave): `Album.members`
# is a plain list, and its cost counts this many.
MAX_ALBUM_MEMBERS = 100


class Album(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "PUBLIC"
        PRIVATE = "PRIVATE"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="albums"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(
        blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)]
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    cover = models.ForeignKey(
        "media_graph.Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    photos = models.ManyToManyField(
        "media_graph.Photo", through="AlbumPhoto", related_name="albums", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AlbumQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        indexes = [models.Index(fields=["owner", "-created_at"], name="album_owner_recent")]

    def __str__(self) -> str:
        return self.title


class AlbumMember(models.Model):
    """Someone the owner shared the album with: EDITORs add and remove their own photos,
    VIEWERs only see it (a PRIVATE album too). The owner is no member row."""

    class Role(models.TextChoices):
        EDITOR = "EDITOR"
        VIEWER = "VIEWER"

    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="album_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["album", "user"], name="album_member_once"),
        ]
        # Visibility asks "is the viewer a member of this album?" for every album row.
        indexes = [models.Index(fields=["user", "album"], name="album_member_user")]

    def __str__(self) -> str:
        return f"{self.user_id} is {self.role} of album {self.album_id}"


class AlbumPhoto(models.Model):
    """A photo's place in an album; `position` keeps the order photos were added in."""

    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="entries")
    photo = models.ForeignKey(
        "media_graph.Photo", on_delete=models.CASCADE, related_name="album_entries"
    )
    position = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["album", "photo"], name="album_photo_once"),
        ]
        indexes = [models.Index(fields=["album", "position"], name="album_photo_order")]

    def __str__(self) -> str:
        return f"Photo {self.photo_id} at {self.position} in album {self.album_id}"
