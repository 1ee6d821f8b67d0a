"""A signing key kept in a file of its own, made on first use: never one from the repository.

`make run` (and docker compose) point DJANGO_SECRET_KEY_FILE here, so a fresh clone
signs its tokens with a random key nobody else has, and keeps it across restarts.
"""

import contextlib
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def read_or_create(path: Path) -> str:
    """The key in `path`, made (mode 0600) if the file does not exist yet.

    Two processes starting at once (runserver's reloader, gunicorn's workers) must end
    up with the same key: the file appears whole or not at all (written aside, then
    hard-linked into place, which fails if another process got there first).
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
            with contextlib.suppress(FileExistsError):  # another process was first: use theirs
                os.link(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty; delete it to have a new key made")
    return key
