"""Ending an account's sessions: what a password set again and "sign out everywhere" do.

A session is a login: the JWTs and the family of refresh tokens that `tokenAuth`
started. Every JWT carries the account's `session_epoch` when it was signed and is
checked against the current one on each request (users/tokens.py), so moving the
epoch on ends every JWT at once without a list of them; the refresh tokens are revoked
in the same transaction, so none can be traded for a JWT of the new epoch.

Access tokens (for scripts and CI) are not sessions of a login: a password change
leaves them, and only "sign out everywhere" (or revoking one) ends them.
"""

from django.db import transaction
from django.db.models import F

from users import tokens
from users.models import AccessToken, User


def sessions_end(*, user: User, access_tokens: bool = False) -> None:
    """Every JWT and refresh token of `user` issued so far stops working; with
    `access_tokens`, every access token too. `user.session_epoch` is the new one after.

    The UPDATE locks the account's row first: a refresh-token rotation locks it too
    (tokens.rotate_refresh_token), so a rotation either finished before (and its new
    token is revoked here) or runs after and finds its token revoked.
    """
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        user.session_epoch = (
            User.objects.filter(pk=user.pk).values_list("session_epoch", flat=True).get()
        )
        tokens.revoke_refresh_tokens_of(user)
        if access_tokens:
            AccessToken.objects.filter(user=user).delete()
