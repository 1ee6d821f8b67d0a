"""A real SMTP server for tests: aiosmtpd on a free port of 127.0.0.1, in a thread.

Django's SMTP backend talks to it over TCP as it would to Mailpit or a provider, so the
wire (EHLO, MAIL FROM, RCPT TO, DATA) is exercised, not a mock. Each accepted message
is kept as (envelope sender, envelope recipients, parsed message). `refuse(n)` answers
the next n messages with a temporary failure (451), as a mail server that is busy does.
"""

import email
import email.policy
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.ports import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()


class _Handler:
    def __init__(self, server: "SMTPServer") -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.server.lock:
            if self.server.refusals:
                self.server.refusals -= 1
                return "451 Requested action aborted: try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.server.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message)
            )
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received: list[Received] = []
        self.refusals = 0
        self.lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)

    def start(self) -> "SMTPServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def refuse(self, count: int) -> None:
        with self.lock:
            self.refusals = count

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def use(self, settings) -> None:
        """Make Django send through this server (a test's `settings` fixture)."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = self.host
        settings.EMAIL_PORT = self.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        settings.DEFAULT_FROM_EMAIL = "photo-graph <noreply@photos.test>"
