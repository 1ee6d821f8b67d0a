import uuid

from django.conf import settings
from django.db import models


class StagedUpload(models.Model):
    """A direct upload between `createPhotoUpload` and `finalizePhotoUpload`.

    What the client declared is kept here, not trusted from the client again at
    finalize: the bytes under `key` must match it. The row is deleted by the finalize
    that claims it (whatever its outcome), so a second finalize finds nothing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staged_uploads"
    )
    key = models.CharField(max_length=64, unique=True, help_text="uploads/<uuid>")
    filename = models.CharField(max_length=255, blank=True, help_text="The client's, a hint.")
    content_type = models.CharField(max_length=32)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(help_text="The presigned target works until then.")

    def __str__(self) -> str:
        return self.key
