"""Mail: a notification's email and a password-reset link, each sent once after commit.

The messages are composed and sent by plain modules (media_graph.notification_emails,
users.password_reset_mail); these tasks only retry what a mail server that is down,
slow or refusing for now raises (tasks.base), and give up with a log line after that.
"""

import logging

from celery import shared_task

from media_graph.notification_emails import send_notification_email
from project.email import MAIL_ERRORS
from tasks.base import RetryingTask
from users.password_reset_mail import send_password_reset_email

logger = logging.getLogger(__name__)


class MailTask(RetryingTask):
    abstract = True

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        logger.error("gave up on %s%s: %s", self.name, tuple(args), exc)


@shared_task(base=MailTask, bind=True, name="notifications.send_email", autoretry_for=MAIL_ERRORS)
def send_email(self, notification_id: int) -> bool:
    return send_notification_email(notification_id)


@shared_task(
    base=MailTask,
    bind=True,
    name="accounts.send_password_reset",
    autoretry_for=MAIL_ERRORS,
)
def send_password_reset(self, email: str) -> bool:
    return send_password_reset_email(email)
