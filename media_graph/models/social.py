from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models

from media_graph.querysets import CommentQuerySet

COMMENT_MAX_LENGTH = 2200


class Like(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes"
    )
    photo = models.ForeignKey("media_graph.Photo", on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "photo"], name="like_once_per_user"),
        ]
        indexes = [models.Index(fields=["photo", "-created_at", "-id"], name="like_photo_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.photo_id}"


class Favorite(models.Model):
    """A private bookmark: only its user ever sees it, and nothing counts them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites"
    )
    photo = models.ForeignKey(
        "media_graph.Photo", on_delete=models.CASCADE, related_name="favorites"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "photo"], name="favorite_once_per_user"),
        ]
        # Query.favorites: one user's, newest first.
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="favorite_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} favorites {self.photo_id}"


class Comment(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    photo = models.ForeignKey(
        "media_graph.Photo", on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(
        validators=[MinLengthValidator(1), MaxLengthValidator(COMMENT_MAX_LENGTH)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by a moderator: gone for everyone but its author, who still sees it, marked;
    # not in its photo's comments_count meanwhile (media_graph/services/hiding.py).
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        indexes = [models.Index(fields=["photo", "created_at", "id"], name="comment_photo_oldest")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.photo_id}"
