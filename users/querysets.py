from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower


class UserQuerySet(models.QuerySet):
    def named(self, username: str) -> "UserQuerySet":
        """The user with this username, whatever its case.

        LOWER() on both sides, as in the unique index on LOWER(username), which PostgreSQL
        then uses; `username__iexact` compiles to UPPER() and scans the table.
        """
        return self.alias(lower_username=Lower("username")).filter(
            lower_username=Lower(models.Value(username.strip()))
        )

    def visible_to(self, viewer) -> "UserQuerySet":
        """Who may be seen by `viewer`: every active account. Deactivated ones vanish."""
        return self.filter(is_active=True)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # Usernames are unique without regard to case, so logins are too.
        return self.named(username).get()


def _follow_exists(**edge) -> models.Expression:
    from users.models import Follow

    return models.Exists(Follow.objects.filter(**edge))


def viewer_pk(viewer) -> int | None:
    # Anonymous viewers match no edge (the columns are never NULL). Still a real EXISTS,
    # not a constant: constants are left out of the inner query of windowed (paginated)
    # prefetches, and two equal constants were merged into one column there.
    return viewer.pk if viewer is not None and viewer.is_authenticated else None


def viewer_is_following(viewer) -> models.Expression:
    """Annotation: the viewer follows this user (False for anonymous viewers)."""
    return _follow_exists(follower_id=viewer_pk(viewer), followee=models.OuterRef("pk"))


def follows_viewer(viewer) -> models.Expression:
    """Annotation: this user follows the viewer."""
    return _follow_exists(follower=models.OuterRef("pk"), followee_id=viewer_pk(viewer))


class AccessTokenQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "AccessTokenQuerySet":
        """A user's own tokens, to that user only."""
        if not viewer.is_authenticated:
            return self.none()
        return self.filter(user=viewer)

    def newest_first(self) -> "AccessTokenQuerySet":
        return self.order_by("-created_at", "-id")
