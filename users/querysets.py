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
