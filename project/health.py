"""/healthz: 200 when the database and the media storage answer, 503 otherwise.

A storage that hangs counts as not answering once its deadline passes.
"""

import logging

from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _storage() -> None:
    # A HEAD of a key that need not exist: proves the bucket answers and the keys work.
    # One call with the S3 client's deadline (settings), so a hung storage answers 503
    # within seconds instead of holding a worker thread.
    default_storage.exists("healthz/probe")


@require_GET
def healthz(request):
    checks = {}
    for name, check in (("database", _database), ("storage", _storage)):
        try:
            check()
        except Exception as exc:  # any failure at all means "not healthy"
            logger.warning("healthz: %s unavailable: %s", name, exc)
            checks[name] = "unavailable"
        else:
            checks[name] = "ok"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
