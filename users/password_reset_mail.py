"""The password reset mail: queued by `requestPasswordReset`, sent after commit by a task
(tasks.email.send_password_reset); this module composes and sends it.

The task is queued with the email address as typed, whether or not it is anyone's:
the request does the same work either way, and the task finds the account (an active
one with a usable password), makes its token and mails the link; for an address that
is nobody's it sends nothing. Without a broker it runs inline, so under `make run` a
known address answers later than an unknown one; with a worker they do not differ.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage

from project.celery import enqueue_after_commit
from users import password_reset
from users.models import User

logger = logging.getLogger(__name__)


def _account_for(email: str) -> User | None:
    if not email:
        return None  # accounts without an email are never matched by it
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    return user if user is not None and user.has_usable_password() else None


def message_for(user: User) -> EmailMessage:
    link = password_reset.link_for(password_reset.make_token(user))
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    body = (
        f"Someone asked to reset the password of @{user.username}.\n\n"
        f"Set a new one here (the link works once, for {minutes} minutes):\n{link}\n\n"
        "Setting it signs you out everywhere. If it was not you, ignore this email: "
        "your password stays as it is.\n"
    )
    return EmailMessage(
        subject="Reset your password",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def send_password_reset_email(email: str) -> bool:
    """Mail the reset link to the account with this email, if any; whether one went."""
    user = _account_for(email)
    if user is None:
        return False
    message_for(user).send()
    return True


def _send_inline(email: str) -> None:
    # One try without a worker; the request answers `ok` whatever happens here.
    try:
        send_password_reset_email(email)
    except Exception:
        logger.exception("the password reset email failed")


def queue_password_reset(email: str) -> None:
    """After commit: a task mails the reset link (inline without a broker)."""
    enqueue_after_commit(
        "accounts.send_password_reset", [email], inline=lambda: _send_inline(email)
    )
