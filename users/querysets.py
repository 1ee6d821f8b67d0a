from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models


class UserQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "UserQuerySet":
        """Who may be seen by `viewer`: every active account. Deactivated ones vanish."""
        return self.filter(is_active=True)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # Usernames are unique without regard to case, so logins are too.
        return self.get(username__iexact=username)


def _follow_exists(viewer, **edge) -> models.Expression:
    from users.models import Follow

    if viewer is None or not viewer.is_authenticated:
        return models.Value(False)
    return models.Exists(Follow.objects.filter(**edge))


def viewer_is_following(viewer) -> models.Expression:
    """Annotation: the viewer follows this user (False for anonymous viewers)."""
    return _follow_exists(viewer, follower=viewer, followee=models.OuterRef("pk"))


def follows_viewer(viewer) -> models.Expression:
    """Annotation: this user follows the viewer."""
    return _follow_exists(viewer, follower=models.OuterRef("pk"), followee=viewer)
