"""Password reset links: their one-use tokens, and how often one address is mailed.

A token is `<uid>.<stamp>-<hmac>`: the account's id (URL-safe base64) and Django's
PasswordResetTokenGenerator's token. The HMAC covers the account's password hash and
session epoch, so the token stops working once the password is set (by this link or
any other way) or the account signs out everywhere: one use. It expires after
PASSWORD_RESET_TIMEOUT seconds (Django's setting; one hour here).

The link is PASSWORD_RESET_URL with `token=<token>` added to its query: a page of the
client's that asks for the new password and calls `resetPassword`.

At most PASSWORD_RESET_EMAILS_PER_HOUR requests per email address are mailed in an
hour, counted whether or not the address is anyone's (so the count says nothing
either). The count is project.rates' PASSWORD_RESETS, in the store nothing evicts; a
store that cannot count mails nothing.
"""

from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from users.models import User

TOKEN_MAX_LENGTH = 200  # a real one is about 50 characters


class ResetTokens(PasswordResetTokenGenerator):
    key_salt = "users.password_reset.ResetTokens"

    def _make_hash_value(self, user, timestamp) -> str:
        return f"{super()._make_hash_value(user, timestamp)}:{user.session_epoch}"

    def make_token_at(self, user: User, when: datetime) -> str:
        """The token as it would have been made at `when` (naive local time, as the
        generator's clock): for tests of expiry, which never wait an hour."""
        return self._make_token_with_timestamp(user, self._num_seconds(when), self.secret)


tokens = ResetTokens()


def make_token(user: User, *, when: datetime | None = None) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    made = tokens.make_token(user) if when is None else tokens.make_token_at(user, when)
    return f"{uid}.{made}"


def user_for_token(token: str, *, lock: bool = False) -> User | None:
    """The active account whose live token this is; None for a used, expired, made-up or
    malformed one. `lock`: inside a transaction, its row FOR UPDATE, checked again."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    uid, _, made = token.partition(".")
    try:
        pk = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:  # beyond any id (and PostgreSQL's bigint)
        return None
    users = User.objects.filter(pk=pk, is_active=True)
    user = (users.select_for_update() if lock else users).first()
    if user is None or not tokens.check_token(user, made):
        return None
    return user


def link_for(token: str) -> str:
    parts = urlsplit(settings.PASSWORD_RESET_URL)
    query = urlencode([*parse_qsl(parts.query), ("token", token)])
    return urlunsplit(parts._replace(query=query))
