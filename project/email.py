"""Django's email settings from the environment: `EMAIL_URL`, or the `EMAIL_*` variables.

`EMAIL_URL` names a backend and its server in one value, as `DATABASE_URL` does:
- `smtp://user:password@host:587` (STARTTLS when the query says `?tls=1`),
- `smtps://user:password@host:465` (TLS from the first byte),
- `console://` (print each message to stdout), `dummy://` (drop it).
User and password are percent-decoded, so a password may hold `@` or `/` as `%40`, `%2F`.
Without it, `EMAIL_HOST` (with `EMAIL_PORT`, `EMAIL_HOST_USER`, `EMAIL_HOST_PASSWORD`,
`EMAIL_USE_TLS`, `EMAIL_USE_SSL`) names an SMTP server; with neither, DEBUG prints to
the console and production sends to an SMTP server on localhost:25 (Django's default).
"""

import smtplib
import socket
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from project.env import env_bool, env_int, env_str

# What a mail server that is down, slow or refusing for now raises: worth another try.
MAIL_ERRORS = (smtplib.SMTPException, socket.timeout, OSError)

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
DUMMY = "django.core.mail.backends.dummy.EmailBackend"
_TRUE = {"1", "true", "yes", "on"}
# Django's defaults, for backends that talk to no server.
_NO_SERVER = {
    "EMAIL_HOST": "localhost",
    "EMAIL_PORT": 25,
    "EMAIL_HOST_USER": "",
    "EMAIL_HOST_PASSWORD": "",
    "EMAIL_USE_TLS": False,
    "EMAIL_USE_SSL": False,
}


def parse_email_url(url: str) -> dict:
    """The Django settings (EMAIL_BACKEND, EMAIL_HOST, ...) that `url` names."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is not a URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme in ("console", "dummy"):
        return {**_NO_SERVER, "EMAIL_BACKEND": CONSOLE if scheme == "console" else DUMMY}
    if scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps://, console:// or dummy://, not {url!r}"
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host")
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    ssl = scheme == "smtps"
    tls = query.get("tls") in _TRUE
    if ssl and tls:
        raise ImproperlyConfigured(
            "EMAIL_URL: smtps:// is TLS already; drop ?tls=1 (or use smtp://)"
        )
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if ssl else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": tls,
    }


def email_settings(*, debug: bool) -> dict:
    """Every EMAIL_* setting, from the environment (see the module's docstring)."""
    url = env_str("EMAIL_URL")
    if url:
        found = parse_email_url(url)
    elif env_str("EMAIL_HOST"):
        found = {
            "EMAIL_BACKEND": SMTP,
            "EMAIL_HOST": env_str("EMAIL_HOST"),
            "EMAIL_PORT": env_int("EMAIL_PORT", 25),
            "EMAIL_HOST_USER": env_str("EMAIL_HOST_USER"),
            "EMAIL_HOST_PASSWORD": env_str("EMAIL_HOST_PASSWORD"),
            "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", False),
            "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL", False),
        }
    else:
        found = {**_NO_SERVER, "EMAIL_BACKEND": CONSOLE if debug else SMTP}
    if found.get("EMAIL_USE_TLS") and found.get("EMAIL_USE_SSL"):
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other")
    # A mail server that does not answer must not hold a worker for long.
    found["EMAIL_TIMEOUT"] = env_int("EMAIL_TIMEOUT", 10)
    found["DEFAULT_FROM_EMAIL"] = env_str("DEFAULT_FROM_EMAIL", "photo-graph <noreply@localhost>")
    return found
