import uuid

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from users.querysets import AccessTokenQuerySet, UserManager

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
    # A new follower or comment is also mailed (media_graph/notification_emails.py).
    email_notifications = models.BooleanField(default=True)
    # Following it is a request its owner approves; its photos, albums, followers and
    # following are for approved followers and album members (docs/trust.md).
    is_private = models.BooleanField(default=False)
    # Every JWT carries the value it was signed with (users/jwt_tokens.py); a password set
    # again, or "sign out everywhere", moves it on, and every earlier JWT stops working.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    following = models.ManyToManyField(
        "self",
        through="Follow",
        through_fields=("follower", "followee"),
        symmetrical=False,
        related_name="followers",
        blank=True,
    )

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

    def save(self, **kwargs) -> None:
        # `_password` is Django's own mark of a password set again (AbstractBaseUser.save
        # reads it for password_changed; a hash upgraded at login clears it first, so a
        # login ends nothing). Whoever sets it (the API, the admin's set-password form,
        # `manage.py changepassword`), every session of the account ends with it.
        password_set = self._password is not None and not self._state.adding
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Only end_sessions writes the stamp, with an UPDATE that adds one: a save of
            # an instance read before a sign-out must not write the old value back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "session_epoch"
            ]
        if not password_set:
            super().save(**kwargs)
            return
        with transaction.atomic():
            super().save(**kwargs)
            self.end_sessions()

    def end_sessions(self, *, access_tokens: bool = False) -> None:
        """Every JWT and refresh token of this account issued so far stops working; with
        `access_tokens`, every access token too. `session_epoch` is the new one after.

        A session is a login: the JWTs and the family of refresh tokens that `tokenAuth`
        started. Every JWT carries the account's `session_epoch` when it was signed and
        is checked against the current one on each request (users/jwt_tokens.py), so moving
        the epoch on ends every JWT at once without a list of them; the refresh tokens
        are revoked in the same transaction (what the library's `RefreshToken.revoke`
        does to one, in one UPDATE), so none can be traded for a JWT of the new epoch.
        Access tokens are not sessions of a login: a password change leaves them.

        The UPDATE locks the account's row first: a refresh-token rotation locks it too
        (tokens.rotate_refresh_token), so a rotation either finished before (and its new
        token is revoked here) or runs after and finds its token revoked.
        """
        with transaction.atomic():
            account = User.objects.filter(pk=self.pk)
            account.update(session_epoch=models.F("session_epoch") + 1)
            self.session_epoch = account.values_list("session_epoch", flat=True).get()
            self.refresh_tokens.filter(revoked__isnull=True).update(revoked=timezone.now())
            if access_tokens:
                self.access_tokens.all().delete()


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_edges")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_edges")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followee")), name="follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["followee", "-created_at"], name="follow_followee_recent")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class FollowRequest(models.Model):
    """Someone asking to follow a private account, until its owner approves or declines
    (its writes live in media_graph/services/follow_requests.py)."""

    requester = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="follow_requests_sent"
    )
    target = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="follow_requests_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requester", "target"], name="follow_request_once"),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("target")), name="follow_request_not_self"
            ),
        ]
        # followRequests: one account's, oldest first.
        indexes = [
            models.Index(fields=["target", "created_at", "id"], name="follow_request_oldest")
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} asks to follow {self.target_id}"


class Block(models.Model):
    """`blocker` and `blocked` are to each other as if neither existed, both ways
    (users/querysets.py hides them; media_graph/services/blocks.py ends their edges)."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]
        # Visibility asks both ways: whom the viewer blocked, and who blocked the viewer.
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Mute(models.Model):
    """`muted`'s photos leave `muter`'s feed and their notifications stop; they are not told."""

    muter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mutes_made")
    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_once"),
            models.CheckConstraint(
                condition=~models.Q(muter=models.F("muted")), name="mute_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"


class RefreshTokenFamily(models.Model):
    """Which login a refresh token descends from: its family.

    Every `tokenAuth` starts a family; each rotation hands the family on to the new
    token. django-graphql-jwt's table has no room for it, so this row sits beside each
    token (the model is named by its app label: graphql_jwt is imported nowhere but
    users/jwt_tokens.py). A token without a row (issued before families existed) is a
    family of its own until it is rotated.
    """

    refresh_token = models.OneToOneField(
        "refresh_token.RefreshToken",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="family_link",
    )
    family = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)

    def __str__(self) -> str:
        return f"refresh token {self.refresh_token_id} of family {self.family}"


class AccessToken(models.Model):
    """A token for scripts and CI jobs (users/access_tokens.py says how it is checked).

    The token itself is shown once, when it is made; only its sha256 is kept, with its
    first characters so its owner can recognise it. Revoking deletes the row.
    """

    class Scope(models.TextChoices):
        READ = "READ"  # queries as the owner (drafts, exif, originals)
        PUBLISH = "PUBLISH"  # photos and albums: upload, update, publish, delete
        SOCIAL = "SOCIAL"  # likes, comments, follows; marking notifications read

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100)
    scopes = models.JSONField(default=list)  # Scope values, sorted
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Its own cost budget, lower than GRAPHQL_BUDGET_MAX (schema/server/budget.py); null:
    # the token spends its owner's.
    budget = models.PositiveIntegerField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="access_token_user_recent")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...) of user {self.user_id}"
