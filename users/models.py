from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower

from users.querysets import UserManager

DISPLAY_NAME_MAX_LENGTH = 64
BIO_MAX_LENGTH = 500


class User(AbstractUser):
    email = models.EmailField("email address")
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX_LENGTH, blank=True)
    bio = models.TextField(
        max_length=BIO_MAX_LENGTH, blank=True, validators=[MaxLengthValidator(BIO_MAX_LENGTH)]
    )

    # Denormalised counters, changed with F() in the transaction that changes the edge.
    followers_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    photos_count = models.PositiveIntegerField(default=0, help_text="Published photos.")

    objects = UserManager()

    class Meta:
        # The optimizer prefetches related rows through the base manager; visible_to
        # must be there too (it filters nothing unless called).
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.username
