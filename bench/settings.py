"""The project's settings, pointed at the benchmark database and media.

- Database: `photo_bench` on the PostgreSQL server DATABASE_URL names, else
  var/bench.sqlite3 (bench/database.py); the dev and test data are never touched.
- Media: var/bench-media/ (filesystem) unless BENCH_MEDIA=s3, when the AWS_* variables
  that bench/run.py sets (an rclone S3 server it started) configure S3 exactly as in
  production.
- Production mode (DEBUG off), baseline views added to the URLs (bench/urls.py), the
  app's log lines written to var/bench-app.log instead of the console (same cost, no
  noise), access tokens that outlive a long run.
"""

import os
from datetime import timedelta

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnop")
if os.environ.get("BENCH_MEDIA", "filesystem") != "s3":
    os.environ.pop("AWS_STORAGE_BUCKET_NAME", None)  # a developer's bucket stays untouched

from bench.database import database_config
from project.settings import *  # noqa: F403
from project.settings import GRAPHQL_JWT, LOGGING, STORAGES, USE_S3, VAR_DIR

DEBUG = False
GRAPHIQL = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"

DATABASES = {"default": database_config()}
VAR_DIR.mkdir(parents=True, exist_ok=True)

MEDIA_ROOT = VAR_DIR / "bench-media"
if not USE_S3:
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/media/"},
        },
    }

GRAPHQL_JWT = {**GRAPHQL_JWT, "JWT_EXPIRATION_DELTA": timedelta(hours=12)}

LOGGING = {
    **LOGGING,
    "handlers": {
        "console": {
            # As in production (project/settings.py), only to a file.
            "()": "project.logging.QueuedHandler",
            "filename": str(VAR_DIR / "bench-app.log"),
            "formatter": "plain",
            "filters": ["escape_controls"],
        }
    },
}

# Cost budgets off: back-to-back runs would empty any bucket (and answer 429), and each
# scenario measures one thing; what budgets add is its own line (bench budget_overhead).
GRAPHQL_BUDGET_MAX = 0
