"""Accounts: register, edit a profile, sign in (under the login throttle)."""

import math

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from project import metrics
from project.codes import PayloadCode
from project.services import model_update
from users import throttle
from users.models import User

# What a refused attempt is told to wait when the throttle's store cannot count.
CANNOT_COUNT_RETRY_SECONDS = 60


class InvalidCredentials(Exception):
    pass


class TooManyAttempts(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:.1f} s")
        self.retry_after = retry_after  # seconds


def _merge(errors: dict[str, list[ValidationError]], exc: ValidationError) -> None:
    for field, field_errors in exc.error_dict.items():
        errors.setdefault(field, []).extend(field_errors)


def user_register(
    *, username: str, email: str, password: str, display_name: str | None = None
) -> User:
    username = username.strip()
    user = User(
        username=username,
        email=User.objects.normalize_email(email.strip()),
        display_name=(display_name or "").strip() or username,
    )
    errors: dict[str, list[ValidationError]] = {}
    try:
        # Uniqueness is checked below, without regard to case and field by field, so the
        # client learns which one is taken, always as `duplicate`. (Model validation
        # would answer an exact-case duplicate username with code "unique".)
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _merge(errors, exc)
    if "username" not in errors and User.objects.named(username).exists():
        errors["username"] = [
            ValidationError("This username is taken.", code=PayloadCode.DUPLICATE)
        ]
    if "email" not in errors and User.objects.filter(email__iexact=user.email).exists():
        errors["email"] = [
            ValidationError("An account with this email exists.", code=PayloadCode.DUPLICATE)
        ]
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.error_list
    if errors:
        raise ValidationError(errors)

    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Lost a race with a concurrent registration of the same name or email.
        field = "email" if not User.objects.named(username).exists() else "username"
        raise ValidationError(
            {field: ValidationError(f"This {field} is taken.", code=PayloadCode.DUPLICATE)}
        ) from None
    return user


def user_update_profile(
    *,
    user: User,
    display_name: str | None = None,
    bio: str | None = None,
    email_notifications: bool | None = None,
) -> User:
    model_update(
        user,
        data={
            "display_name": _stripped(display_name),
            "bio": _stripped(bio),
            "email_notifications": email_notifications,
        },
    )
    return user


def _stripped(text: str | None) -> str | None:
    return None if text is None else text.strip()


def user_authenticate(*, username: str, password: str, address: str) -> User:
    """Check credentials under the login throttle; raises, never answers None.

    A throttle that cannot count refuses (TooManyAttempts), right password or not.
    """
    try:
        wait = throttle.login_wait(username=username, address=address)
        if wait is not None:
            metrics.rate_limited("login")
            raise TooManyAttempts(retry_after=wait)
        user = authenticate(username=username, password=password)
        if user is None:
            throttle.login_failed(username=username, address=address)
            raise InvalidCredentials
        throttle.login_succeeded(username=username)
    except throttle.CannotCount:
        metrics.rate_limited("login")
        raise TooManyAttempts(retry_after=CANNOT_COUNT_RETRY_SECONDS) from None
    return user


def user_confirm_password(
    *,
    user: User,
    password: str,
    address: str,
    field: str = "password",
    wrong: str = PayloadCode.INVALID,
) -> None:
    """The signed-in user's own password, for what a token alone may not do.

    Under the login throttle, as a login: a stolen access token must not turn this into
    a way of guessing the password. Wrong: ValidationError on `field` with code `wrong`.
    """
    try:
        confirmed = user_authenticate(
            username=user.get_username(), password=password, address=address
        )
    except TooManyAttempts as exc:
        raise ValidationError(
            {
                field: ValidationError(
                    f"Too many failed attempts: try again in {math.ceil(exc.retry_after)} s.",
                    code=PayloadCode.RATE_LIMITED,
                )
            }
        ) from None
    except InvalidCredentials:
        confirmed = None
    if confirmed is None or confirmed.pk != user.pk:
        raise ValidationError({field: ValidationError("The password is wrong.", code=wrong)})


def user_set_active(*, user: User, active: bool) -> User:
    """An operator deactivates (or reactivates) an account. Deactivated, it vanishes
    from every query (User.visible_to) and none of its tokens authenticate."""
    model_update(user, data={"is_active": active})
    return user
