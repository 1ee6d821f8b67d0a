"""Passwords and sessions: change, reset by email, and sign out everywhere.

Setting a password ends every session of the account (User.save calls
User.end_sessions): every JWT issued before stops working, the caller's own
too, and every refresh token is revoked, so the client signs in again with the new
password. Access tokens stay; `user_sign_out_everywhere` ends them as well.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from project import rates
from project.codes import PayloadCode
from project.errors import field_error
from users import password_reset, password_reset_mail
from users.models import User
from users.services.accounts import user_confirm_password

PASSWORD_MAX_LENGTH = 1024
EMAIL_MAX_LENGTH = 254  # RFC 5321's limit on a path, as Django's EmailField


def _check_new_password(password: str, user: User, *, field: str = "new_password") -> None:
    if len(password) > PASSWORD_MAX_LENGTH:
        raise field_error(field, f"A password holds at most {PASSWORD_MAX_LENGTH} characters.")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from None


def _set_password(user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])  # ends every session (User.save)


def user_change_password(*, user: User, old_password: str, new_password: str, address: str):
    """The viewer's new password, given the old one (under the login throttle, as a
    login: a wrong one is `permission_denied` on old_password)."""
    user_confirm_password(
        user=user,
        password=old_password,
        address=address,
        field="old_password",
        wrong=PayloadCode.PERMISSION_DENIED,
    )
    _check_new_password(new_password, user)
    with transaction.atomic():
        _set_password(user, new_password)


def user_request_password_reset(*, email: str) -> None:
    """Mail a reset link to the account with this email, if there is one.

    Answers the same whether or not there is (nothing is raised for an unknown
    address, and the same work is queued); only an address that cannot be one is
    `invalid`. Past the hourly limit for the address, nothing more is mailed.
    """
    email = email.strip()
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise field_error("email", "Enter an email address.") from None
    try:
        rates.take(rates.PASSWORD_RESETS, email.lower())
    except rates.RateLimited:
        return  # past the limit (or nothing can count): mail nothing, answer the same
    password_reset_mail.queue_password_reset(email)


def user_reset_password(*, token: str, new_password: str) -> User:
    """Set a new password with a reset link's token; the token works once."""
    bad_token = field_error("token", "This link was used, has expired or is not ours.")
    user = password_reset.user_for_token(token)
    if user is None:
        raise bad_token
    _check_new_password(new_password, user)
    with transaction.atomic():
        # Two resets racing with one token: the second waits for the row, and finds
        # the token spent by the first's new password.
        user = password_reset.user_for_token(token, lock=True)
        if user is None:
            raise bad_token
        _set_password(user, new_password)
    return user


def user_sign_out_everywhere(*, user: User, password: str, address: str) -> None:
    """With the viewer's password: every JWT, refresh token and access token ends."""
    user_confirm_password(user=user, password=password, address=address)
    user.end_sessions(access_tokens=True)
