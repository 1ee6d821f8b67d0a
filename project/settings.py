"""Settings, every one of them read from the environment (see docs/settings.md)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from boto3.s3.transfer import TransferConfig
from botocore.config import Config as BotoConfig
from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from project import secret_key
from project.email import email_settings
from project.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DJANGO_DEBUG", False)

# The key in the environment, or else in a file of its own, made on first use (make run
# and docker compose set DJANGO_SECRET_KEY_FILE; in DEBUG it defaults to var/secret_key).
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    _key_file = env_str("DJANGO_SECRET_KEY_FILE") or (str(VAR_DIR / "secret_key") if DEBUG else "")
    if not _key_file:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is required when DJANGO_DEBUG is off"
        )
    SECRET_KEY = secret_key.read_or_create(Path(_key_file))
if len(SECRET_KEY.encode()) < 32:
    # The JWT signing key is this key; HS256 wants at least 256 bits of it.
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 32 bytes")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)

INSTALLED_APPS = [
    "corsheaders",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "graphql_jwt.refresh_token",
    "easy_thumbnails",
    "strawberry_django",
    "users",
    "media_graph",
    "moderation",
    "live",
]

# Only the Authorization header authenticates the API, which is what makes the
# CSRF-exempt GraphQL endpoint safe. Sessions, CSRF, auth and messages are for Django's
# admin alone: they act under ADMIN_PATH and nowhere else (project/middleware.py).
ADMIN_PATH = "/admin/"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "project.middleware.AdminSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "project.middleware.AdminCsrfViewMiddleware",
    "project.middleware.AdminAuthenticationMiddleware",
    "project.middleware.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# The admin's cookies go to the admin only; over HTTPS only when the site redirects to it.
SESSION_COOKIE_PATH = ADMIN_PATH
CSRF_COOKIE_PATH = ADMIN_PATH
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_AGE = env_int("ADMIN_SESSION_SECONDS", 8 * 3600)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- browsers on other origins (React/Apollo apps) -------------------------------------
# The Authorization header is in django-cors-headers' default allowed headers; no
# credentials (cookies) are ever needed, so none are allowed.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
# In DEBUG, a dev server on this machine (a React app on localhost:3000) may call the API.
CORS_ALLOWED_ORIGIN_REGEXES = (
    [r"^http://localhost(:\d+)?$", r"^http://127\.0\.0\.1(:\d+)?$"] if DEBUG else []
)
# The API, and the local direct-upload target (a browser app PUTs the bytes there).
CORS_URLS_REGEX = r"^/(graphql/?|uploads/[0-9a-f]+)$"
CORS_ALLOW_CREDENTIALS = False
# django-cors-headers' defaults (authorization, content-type, ...) and Apollo Client's:
# apollo-require-preflight is what apollo-upload-client sends for CSRF prevention.
CORS_ALLOW_HEADERS = (
    *default_headers,
    "apollo-require-preflight",
    "apollo-client-name",
    "apollo-client-version",
)

# --- security headers; HTTPS settings for deployments behind a TLS proxy ---------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
ASGI_APPLICATION = "project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # The admin's templates; empty outside /admin/ (no session there).
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait their turn instead of failing with "database is locked":
    # WAL lets readers run beside the writer, write transactions take the lock when
    # they begin (a deferred one that upgrades later cannot wait, it fails), and the
    # timeout is how long a writer waits for it (seconds).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
        **DATABASES["default"].get("OPTIONS", {}),
    }
# Reads from a PostgreSQL replica (project/replica/, docs/scaling.md): with
# DATABASE_REPLICA_URL, GraphQL queries read there unless they must see fresh rows
# (mutations, transactions, a viewer who wrote in the last READ_YOUR_WRITES_SECONDS,
# a replica that does not answer). Unset: no alias, no router, nothing changes.
READ_YOUR_WRITES_SECONDS = env_int("READ_YOUR_WRITES_SECONDS", 5)
DATABASE_REPLICA_RETRY_SECONDS = env_float("DATABASE_REPLICA_RETRY_SECONDS", 5.0)
if READ_YOUR_WRITES_SECONDS < 0 or DATABASE_REPLICA_RETRY_SECONDS <= 0:
    raise ImproperlyConfigured(
        "READ_YOUR_WRITES_SECONDS must be 0 or more, DATABASE_REPLICA_RETRY_SECONDS more than 0"
    )
DATABASE_ROUTERS = []
if _replica_url := env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        # Tests run it as a second way into the test database (tests/support/replica.py).
        test_options={"MIRROR": "default"},
    )
    if "postgresql" not in DATABASES["replica"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL")
    # A replica that does not answer is given up on quickly (health.py sends reads to
    # the primary): connect within a few seconds, and a peer that vanished mid-statement
    # (its host gone, not just its process: that closes the socket at once) is noticed by
    # TCP within DATABASE_REPLICA_TCP_TIMEOUT ms instead of the kernel's minutes.
    DATABASES["replica"]["OPTIONS"] = {
        "connect_timeout": env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2),
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "tcp_user_timeout": env_int("DATABASE_REPLICA_TCP_TIMEOUT", 5000),
        **DATABASES["replica"].get("OPTIONS", {}),
    }
    DATABASE_ROUTERS = ["project.replica.routing.ReplicaRouter"]  # routing.ROUTER
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only `collectstatic` (the Docker image) needs a root; without one whitenoise serves
# the files from where they are.
STATIC_ROOT = env_str("DJANGO_STATIC_ROOT") or None
# The GraphiQL explorer's assets are served by the app itself (whitenoise): no CDN.
STATICFILES_DIRS = [BASE_DIR / "project" / "static"]
WHITENOISE_USE_FINDERS = True  # works without collectstatic, e.g. under make run
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# --- storage: S3 when a bucket is named, the local filesystem otherwise ---------------
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
# Signed media URLs stay the same for windows this long and work for one more window
# after theirs ends (media_graph/storage/url_windows.py): S3's and local media's alike.
MEDIA_URL_MAX_AGE = env_int("AWS_QUERYSTRING_EXPIRE", 3600)
if not 1 <= MEDIA_URL_MAX_AGE <= 3 * 24 * 3600:
    # Twice the window must fit in the 7 days a SigV4 signature may last.
    raise ImproperlyConfigured("AWS_QUERYSTRING_EXPIRE must be 1 to 259200 seconds")
USE_S3 = bool(AWS_STORAGE_BUCKET_NAME)
# Every storage call has a deadline: a connect and a read timeout (the read one also
# bounds each blocked send) and at most one retry ("standard" mode counts the first
# attempt: 2 attempts = 1 retry, after a jittered backoff under 0.05 s). An S3 that
# accepts connections and never answers fails a call in 2 x 2.5 s, a PUT in 2 x 3.5 s
# (botocore first waits 1 s for a "100 Continue"); one that drops connections in 2 x 2 s.
# So storage_unavailable comes within ~7 s, and a worker thread is never held longer.
AWS_S3_CONNECT_TIMEOUT = env_float("AWS_S3_CONNECT_TIMEOUT", 2.0)
AWS_S3_READ_TIMEOUT = env_float("AWS_S3_READ_TIMEOUT", 2.5)
if AWS_S3_CONNECT_TIMEOUT <= 0 or AWS_S3_READ_TIMEOUT <= 0:
    raise ImproperlyConfigured("AWS_S3_CONNECT_TIMEOUT and AWS_S3_READ_TIMEOUT must be > 0")
AWS_S3_CLIENT_CONFIG = BotoConfig(
    connect_timeout=AWS_S3_CONNECT_TIMEOUT,
    read_timeout=AWS_S3_READ_TIMEOUT,
    retries={"total_max_attempts": 2, "mode": "standard"},
    signature_version="s3v4",
    s3={"addressing_style": "path"},
)
# A save is one PutObject (streamed from the upload's file): below S3's 5 GiB single-PUT
# limit, no multipart upload, whose create/parts/complete (and abort on failure) would be
# several calls, each with its own deadline.
AWS_S3_TRANSFER_CONFIG = TransferConfig(multipart_threshold=5 * 1024**3)
AWS_S3_PUBLIC_ENDPOINT_URL = env_str("AWS_S3_PUBLIC_ENDPOINT_URL")
if USE_S3:
    _default_storage = {
        # URLs signed per window, for the public endpoint (the one browsers reach) if set.
        "BACKEND": "media_graph.storage.s3.StableUrlS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "us-east-1"),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": MEDIA_URL_MAX_AGE,
            # Keys are server-chosen (uuid originals, thumbnail names derived from them),
            # so a save overwrites: no HEAD before each PUT, and a repair overwrites an
            # orphan left under a thumbnail's name instead of failing on it.
            "file_overwrite": True,
            "client_config": AWS_S3_CLIENT_CONFIG,
            "transfer_config": AWS_S3_TRANSFER_CONFIG,
            # Every object (originals, thumbnails, variants) is immutable under its key.
            "object_parameters": {"CacheControl": "private, max-age=31536000, immutable"},
        },
    }
    if AWS_S3_PUBLIC_ENDPOINT_URL:
        _default_storage["OPTIONS"]["public_endpoint_url"] = AWS_S3_PUBLIC_ENDPOINT_URL
else:
    _default_storage = {
        "BACKEND": "media_graph.storage.local.SignedFileSystemStorage",
        # Overwrites like the S3 storage above (allow_overwrite=True is its default).
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- uploads and images ---------------------------------------------------------------
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 50_000_000)
# Panoramas up to 40:1 get thumbnails like any photo; longer strips are refused.
MAX_IMAGE_ASPECT_RATIO = env_int("MAX_IMAGE_ASPECT_RATIO", 40)
# Video (MP4, MOV, WebM): larger files than images, told apart by their first bytes while
# the body streams (media_graph.upload_handler); every frame within MAX_IMAGE_PIXELS.
MAX_VIDEO_BYTES = env_int("MAX_VIDEO_BYTES", 200 * 1024 * 1024)
MAX_VIDEO_SECONDS = env_int("MAX_VIDEO_SECONDS", 180)
# Uploads never sit in memory whole: anything over 256 KiB streams to a temp file.
FILE_UPLOAD_HANDLERS = ["media_graph.upload_handler.SizeLimitedUploadHandler"]
# Files in one multipart request (one per uploadPhoto; aliases could ask for more).
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 10)
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR") or None
# Variant renders one process runs at once (media_graph/render_slots.py); past it a
# first fetch answers 503 with Retry-After.
MAX_CONCURRENT_RENDERS = env_int("MAX_CONCURRENT_RENDERS", 2)
if MAX_CONCURRENT_RENDERS < 1:
    raise ImproperlyConfigured("MAX_CONCURRENT_RENDERS must be 1 or more")
# Direct uploads (createPhotoUpload): how long a presigned target accepts the bytes.
DIRECT_UPLOAD_EXPIRES_SECONDS = env_int("DIRECT_UPLOAD_EXPIRES_SECONDS", 15 * 60)
if not 1 <= DIRECT_UPLOAD_EXPIRES_SECONDS <= 7 * 24 * 3600:  # S3's presigning limit
    raise ImproperlyConfigured("DIRECT_UPLOAD_EXPIRES_SECONDS must be 1 to 604800")

# Thumbnails: easy-thumbnails aliases, written beside the originals under thumbnails/.
THUMBNAIL_ALIASES = {
    "": {
        # SMALL is always exactly 320x320 (grids need uniform squares), so it may
        # upscale a tiny original; the proportional sizes never do.
        "small": {"size": (320, 320), "crop": True, "upscale": True, "quality": 80},
        "medium": {"size": (640, 640), "quality": 80},
        "large": {"size": (1280, 1280), "quality": 80},
    }
}
THUMBNAIL_BASEDIR = "thumbnails"
THUMBNAIL_SOURCE_GENERATORS = ("media_graph.imaging.draft_source_generator",)
THUMBNAIL_CHECK_CACHE_MISS = False
THUMBNAIL_CACHE_DIMENSIONS = False
# Baseline JPEGs: progressive encoding (easy-thumbnails' default from 100 px) tripled
# LARGE's encode time (17 ms against 6 for a 12 MP photo's set), and a 1280 px image
# gains little from arriving in passes.
THUMBNAIL_PROGRESSIVE = False

# --- caches (login throttling; persisted queries) -------------------------------------
# Two Redis uses with different memory policies. REDIS_URL: what must never be evicted
# (login throttles, rate buckets, email dedupe: the `throttles` alias, project/stores.py;
# and the task queue): run it with `maxmemory-policy noeviction`. REDIS_CACHE_URL: what
# may be (the `default` cache, persisted queries): `allkeys-lru` with a maxmemory. Unset,
# it is REDIS_URL (one instance: persisted queries stay bounded by their own caps).
REDIS_URL = env_str("REDIS_URL")
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL") or REDIS_URL
# Persisted queries (schema/server/persisted.py): kept this long, in at most _MAX entries of
# at most _MAX_BYTES / _MAX bytes each, registered at most _PER_MINUTE times a minute
# per client (a signed-in user, else an address).
GRAPHQL_PERSISTED_QUERY_SECONDS = env_int("GRAPHQL_PERSISTED_QUERY_SECONDS", 24 * 3600)
GRAPHQL_PERSISTED_QUERIES_MAX = env_int("GRAPHQL_PERSISTED_QUERIES_MAX", 1000)
GRAPHQL_PERSISTED_QUERIES_MAX_BYTES = env_int(
    "GRAPHQL_PERSISTED_QUERIES_MAX_BYTES", 32 * 1024 * 1024
)
GRAPHQL_PERSISTED_QUERY_REGISTRATIONS_PER_MINUTE = env_int(
    "GRAPHQL_PERSISTED_QUERY_REGISTRATIONS_PER_MINUTE", 30
)
# Without Redis the counting store is this process's memory, refusing (not evicting)
# past this many keys.
THROTTLE_STORE_MAX_ENTRIES = env_int("THROTTLE_STORE_MAX_ENTRIES", 100_000)


def _cache(prefix: str, max_entries: int = 300, *, url: str = REDIS_CACHE_URL) -> dict:
    if url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": prefix,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


CACHES = {
    "default": _cache(""),
    "persisted_queries": _cache("apq", GRAPHQL_PERSISTED_QUERIES_MAX + 1),
    "throttles": _cache("throttle", url=REDIS_URL)
    if REDIS_URL
    else {
        "BACKEND": "project.stores.NonEvictingLocMemCache",
        "LOCATION": "throttles",
        "OPTIONS": {"MAX_ENTRIES": THROTTLE_STORE_MAX_ENTRIES},
    },
}
# Per-actor write rates (project/rates.py): past one, the write answers `rate_limited`.
RATE_FOLLOWS_PER_HOUR = env_int("RATE_FOLLOWS_PER_HOUR", 100)
RATE_LIKES_PER_HOUR = env_int("RATE_LIKES_PER_HOUR", 500)
RATE_COMMENTS_PER_HOUR = env_int("RATE_COMMENTS_PER_HOUR", 100)
RATE_ALBUM_MEMBERS_PER_HOUR = env_int("RATE_ALBUM_MEMBERS_PER_HOUR", 100)
RATE_REPORTS_PER_HOUR = env_int("RATE_REPORTS_PER_HOUR", 20)
RATE_ACCESS_TOKENS_PER_HOUR = env_int("RATE_ACCESS_TOKENS_PER_HOUR", 20)
# At most one notification email per actor, recipient, kind and subject in this time.
NOTIFICATION_EMAIL_DEDUPE_SECONDS = env_int("NOTIFICATION_EMAIL_DEDUPE_SECONDS", 3600)
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_IP_LIMIT = env_int("LOGIN_FAILURE_IP_LIMIT", 30)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
# Past LOGIN_FAILURE_LIMIT failures for a username, each attempt waits BASE * 2**k
# seconds after the last failure (k: failures past the limit), at most MAX.
LOGIN_BACKOFF_BASE_SECONDS = env_int("LOGIN_BACKOFF_BASE_SECONDS", 1)
LOGIN_BACKOFF_MAX_SECONDS = env_int("LOGIN_BACKOFF_MAX_SECONDS", 5 * 60)
# Reverse proxies in front of the app that append to X-Forwarded-For; the client address
# is the entry the outermost one wrote. 0: REMOTE_ADDR, and the header is never read.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# --- tasks: work off the request path (tasks/, project/celery.py) ----------------------
# With a broker, thumbnails and deletes go to Celery workers (`make worker`). Without
# one they run inline after commit, so `make run` needs nothing else running.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Every task lives in the tasks package, imported when a worker starts.
CELERY_IMPORTS = ["tasks"]
CELERY_TASK_IGNORE_RESULT = True  # tasks write their outcome to the row; no result backend
# A task is acknowledged when it ends, and a worker that dies mid-task hands it back:
# every task is idempotent, so running one twice does no harm, and losing one would.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long render holds back one message, not four
# A thumbnail set takes about a second; one stuck far past that is killed (hard limit),
# after being told (soft limit) so that it cleans up what it stored.
CELERY_TASK_TIME_LIMIT = env_int("TASK_TIME_LIMIT", 120)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 15)
# A broker that is down must not hold a request: the enqueue gives up within about a
# second (the photo stays PENDING for the repair command) instead of kombu's defaults.
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2}
# Redis hands an unacknowledged message to another worker after this long. A pool
# process killed mid-task is noticed by its worker at once (CELERY_TASK_REJECT_ON_WORKER_LOST
# puts the task back then); only a task whose WHOLE worker died (kill -9 of the main
# process, a lost machine) waits this long. It must exceed the time limit plus the longest
# retry countdown, or a task still running or waiting for its retry runs twice at once.
TASK_VISIBILITY_TIMEOUT = env_int("TASK_VISIBILITY_TIMEOUT", 3600)
if CELERY_TASK_TIME_LIMIT + env_float("TASK_RETRY_BACKOFF_MAX", 300.0) >= TASK_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "TASK_VISIBILITY_TIMEOUT must exceed TASK_TIME_LIMIT + TASK_RETRY_BACKOFF_MAX"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    # Look for messages past their visibility timeout at every sweep (10 s), not every
    # tenth: the cluster's worker-kill test saw 40-140 s of delay with kombu's default.
    "unacked_restore_throttle": 1,
}
# Queues by workload, so a burst of one never waits behind another and each gets the
# workers it needs (docs/scaling.md): `media` is CPU work (thumbnail sets, posters,
# remuxes, ladder variants made ahead), one process per core; `email` waits on mail
# servers; `maintenance` is beat's periodic work (scheduled publishing, purges, outbox
# republishing and expiry) and object deletes (storage calls that retry for hours: they
# must not hold a render slot). Every task is routed by name (producers send by name,
# without importing tasks/); anything unrouted lands in `maintenance`, which every
# deployment serves. A worker started without -Q consumes all three.
CELERY_TASK_QUEUES = [Queue(name) for name in ("media", "email", "maintenance")]
CELERY_TASK_DEFAULT_QUEUE = "maintenance"
_WORKLOADS = {
    "media": ["media.make_thumbnails"],
    "email": ["notifications.send_email", "accounts.send_password_reset"],
    "maintenance": [
        "media.delete_objects",
        "media.publish_due_photos",
        "media.purge_uploads",
        "live.republish_events",
        "live.expire_events",
    ],
}
CELERY_TASK_ROUTES = {
    task: {"queue": queue} for queue, names in _WORKLOADS.items() for task in names
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # LOGGING below stays the one configuration
# Celery beat (`make worker` runs it inside the worker; run exactly one): scheduled photos
# whose time has come are shown as published by every query at once; this makes their
# status and the photo counters follow. Without a broker, `manage.py publish_scheduled`
# from cron does the same.
CELERY_BEAT_SCHEDULE = {
    "publish-due-photos": {"task": "media.publish_due_photos", "schedule": 30.0},
    # Staged direct uploads nobody finalized (tasks.maintenance.purge_uploads), hourly.
    "purge-uploads": {"task": "media.purge_uploads", "schedule": 3600.0},
    # Live events a crash left unpublished, and outbox rows past their retention.
    "republish-live-events": {"task": "live.republish_events", "schedule": 10.0},
    "expire-live-events": {"task": "live.expire_events", "schedule": 3600.0},
}
# --- live events: subscriptions (live/, docs/live.md) ----------------------------------
# The channel layer that carries outbox events to the realtime processes: Redis when
# REDIS_URL is set (every process that writes or serves subscriptions must share it),
# else in memory (one process: `make run`).
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
        if REDIS_URL
        # One channel per process carries every event (live/hub.py): room for bursts.
        else {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 10000}}
    )
}
# How long outbox rows are kept for replay (then deleted by beat).
LIVE_EVENT_RETENTION_SECONDS = env_int("LIVE_EVENT_RETENTION_SECONDS", 7 * 24 * 3600)
# Subscriptions one viewer (a user, or an address when anonymous) holds at once, per process.
MAX_SUBSCRIPTIONS_PER_VIEWER = env_int("MAX_SUBSCRIPTIONS_PER_VIEWER", 20)
# Events waiting for one subscription's client before it is cut off as too slow.
LIVE_QUEUE_SIZE = env_int("LIVE_QUEUE_SIZE", 100)
# How often a subscription re-checks its token and what it may see without an event.
LIVE_RECHECK_SECONDS = env_float("LIVE_RECHECK_SECONDS", 30.0)
# Events one `after` replays at most (the rest: page `notifications` first).
LIVE_REPLAY_MAX_EVENTS = env_int("LIVE_REPLAY_MAX_EVENTS", 1000)
# Seconds between keep-alive pings (WebSocket protocol pings, SSE comments); a peer that
# does not answer a WebSocket ping within as long is closed.
LIVE_PING_SECONDS = env_float("LIVE_PING_SECONDS", 20.0)
# Seconds a WebSocket may take to send connection_init.
LIVE_INIT_TIMEOUT_SECONDS = env_float("LIVE_INIT_TIMEOUT_SECONDS", 10.0)

# Storage errors are retried with exponential backoff and full jitter (seconds): a
# thumbnail set gives up as FAILED after TASK_MAX_RETRIES, a delete keeps trying for
# hours (storage that is down for a while must not leave objects behind).
TASK_RETRY_BACKOFF = env_float("TASK_RETRY_BACKOFF", 2.0)
TASK_RETRY_BACKOFF_MAX = env_float("TASK_RETRY_BACKOFF_MAX", 300.0)
TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 8)
TASK_DELETE_MAX_RETRIES = env_int("TASK_DELETE_MAX_RETRIES", 50)
# Runs of one photo's thumbnail task in all (retries and redeliveries alike) before it is
# FAILED without trying again: a set killed at the hard time limit is redelivered.
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", TASK_MAX_RETRIES + 3)

# --- email: notification mail (media_graph/notification_emails.py) ---------------------
# EMAIL_URL (smtp://, smtps://, console://) or EMAIL_HOST and friends; see project/email.py.
_email = email_settings(debug=DEBUG)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = _email["DEFAULT_FROM_EMAIL"]
# Password reset mail (users/password_reset.py): the client's page the link opens, with
# `token=...` added; how long a link works (Django's setting); mails per address an hour.
PASSWORD_RESET_URL = env_str("PASSWORD_RESET_URL", "http://localhost:3000/reset-password")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)
PASSWORD_RESET_EMAILS_PER_HOUR = env_int("PASSWORD_RESET_EMAILS_PER_HOUR", 3)

# --- GraphQL --------------------------------------------------------------------------
GRAPHIQL = env_bool("GRAPHIQL", DEBUG)
# Off outside DEBUG (code generators read the committed schema.graphql instead), unless
# GraphiQL is forced on: the explorer needs it.
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", GRAPHIQL)
# What one request may ask for (schema/server/limits.py, schema/server/cost.py); all checked before
# anything runs.
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 5000)  # objects an answer may hold
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 10)
GRAPHQL_MAX_ALIASES = env_int("GRAPHQL_MAX_ALIASES", 15)
GRAPHQL_MAX_TOKENS = env_int("GRAPHQL_MAX_TOKENS", 2000)
GRAPHQL_MAX_QUERY_CHARS = env_int("GRAPHQL_MAX_QUERY_CHARS", 32_768)
GRAPHQL_MAX_DIRECTIVES = env_int("GRAPHQL_MAX_DIRECTIVES", 20)
GRAPHQL_MAX_REPEATED_FIELDS = env_int("GRAPHQL_MAX_REPEATED_FIELDS", 20)
GRAPHQL_MAX_STRING_CHARS = env_int("GRAPHQL_MAX_STRING_CHARS", 10_000)
# Per-viewer cost budgets (project/budgets.py, docs/operating.md "Budgets"): every
# operation's cost is debited from a token bucket of GRAPHQL_BUDGET_MAX points per user
# (per address when anonymous), refilled at GRAPHQL_BUDGET_RESTORE_RATE points a second.
# GRAPHQL_BUDGET_MAX = 0 turns budgets off.
GRAPHQL_BUDGET_MAX = env_int("GRAPHQL_BUDGET_MAX", 20_000)
GRAPHQL_BUDGET_RESTORE_RATE = env_float("GRAPHQL_BUDGET_RESTORE_RATE", 200.0)
if GRAPHQL_BUDGET_MAX < 0 or (GRAPHQL_BUDGET_MAX and GRAPHQL_BUDGET_RESTORE_RATE <= 0):
    raise ImproperlyConfigured(
        "GRAPHQL_BUDGET_MAX must be 0 (off) or more, and GRAPHQL_BUDGET_RESTORE_RATE above 0"
    )
GRAPHQL_DOCUMENT_CACHE_ENTRIES = env_int("GRAPHQL_DOCUMENT_CACHE_ENTRIES", 256)
GRAPHQL_DOCUMENT_CACHE_BYTES = env_int("GRAPHQL_DOCUMENT_CACHE_BYTES", 64 * 1024 * 1024)
# The optimizer's plans kept (schema/engine/plans.py): one per field of a document, viewer
# kind (anonymous or signed in) and values of the variables under the field; 0: none.
GRAPHQL_OPTIMIZER_PLAN_CACHE = env_int("GRAPHQL_OPTIMIZER_PLAN_CACHE", 1024)
# The engine's pieces (schema/engine/, docs/engine.md) make answers faster, never different:
# each can be turned off, and GRAPHQL_ENGINE=0 turns them all off (`make test-engine-off`
# runs the GraphQL tests so). A piece runs when GRAPHQL_ENGINE and its own switch are on.
GRAPHQL_ENGINE = env_bool("GRAPHQL_ENGINE", True)
GRAPHQL_ENGINE_LEAN_PATH = env_bool("GRAPHQL_ENGINE_LEAN_PATH", True)  # else Strawberry's runner
GRAPHQL_ENGINE_PLANS = env_bool("GRAPHQL_ENGINE_PLANS", True)  # cached optimizer plans
GRAPHQL_ENGINE_JOINS = env_bool("GRAPHQL_ENGINE_JOINS", True)  # `joined()` foreign keys
GRAPHQL_ENGINE_PAGES = env_bool("GRAPHQL_ENGINE_PAGES", True)  # nested pages cut per parent
# Plain fields (an attribute or a loaded column, no resolver) read without a resolver call.
GRAPHQL_ENGINE_PLAIN_FIELDS = env_bool("GRAPHQL_ENGINE_PLAIN_FIELDS", True)

STRAWBERRY_DJANGO = {
    "FIELD_DESCRIPTION_FROM_HELP_TEXT": True,
    "TYPE_DESCRIPTION_FROM_MODEL_DOCSTRING": False,
    "MUTATIONS_DEFAULT_HANDLE_ERRORS": False,
}

GRAPHQL_JWT = {
    "JWT_ALGORITHM": "HS256",
    "JWT_SECRET_KEY": SECRET_KEY,
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_EXPIRATION_DELTA": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 10)),
    "JWT_LONG_RUNNING_REFRESH_TOKEN": True,
    "JWT_REFRESH_EXPIRATION_DELTA": timedelta(days=env_int("JWT_REFRESH_DAYS", 14)),
    "JWT_REUSE_REFRESH_TOKENS": False,
    # Adds `sub` (the account's id), checked on every token: see users/jwt_tokens.py.
    "JWT_PAYLOAD_HANDLER": "users.jwt_tokens.jwt_payload",
}
# django-graphql-jwt's cookie fallback lives in its middleware and decorators, which are
# not used: users/jwt_tokens.py reads the Authorization header and nothing else.

# --- logging: one line per unexpected error, with its traceback -----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "class": "project.logging.LineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {"escape_controls": {"()": "project.logging.EscapeControlCharacters"}},
    "handlers": {
        # To stderr, from a thread of its own: the request thread only enqueues.
        "console": {
            "()": "project.logging.QueuedHandler",
            "formatter": "plain",
            "filters": ["escape_controls"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Strawberry logs every error it sees, client mistakes included; ours decides.
        "strawberry.execution": {"level": "CRITICAL", "propagate": False},
        "django.request": {"level": "ERROR"},
        "schema.server.operations": {"level": env_str("GRAPHQL_LOG_LEVEL", "INFO")},
    },
}

HOST = env_str("HOST", "127.0.0.1")
PORT = env_int("PORT", 8000)

# --- operations: metrics and readiness (docs/operating.md) ----------------------------
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is a 404 and
# nothing is counted. With PROMETHEUS_MULTIPROC_DIR (environment only) every process
# writes its counts to that folder and a scrape sums them.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# Distinct operation names kept as labels; later ones are counted as "other".
METRICS_MAX_OPERATION_NAMES = env_int("METRICS_MAX_OPERATION_NAMES", 200)
# The Celery worker serves its own /metrics here (same token) when set; 0: not served.
METRICS_WORKER_PORT = env_int("METRICS_WORKER_PORT", 0)
# Each /readyz check (database, storage, broker) gets this long; all of them together
# stay under 3 s. A queue-depth read at scrape time gets the same.
READYZ_CHECK_SECONDS = env_float("READYZ_CHECK_SECONDS", 0.8)

# --- the owner's library: search (docs/library.md) --------------------------------------
# The PostgreSQL text search configuration of `search`: `simple` matches words as written
# (tags and names too); `english` and the like stem them. Read by the migration that makes
# the search column (0018) and by every query: changed later, the column is rebuilt with it
# (docs/library.md says how).
SEARCH_CONFIG = env_str("SEARCH_CONFIG", "simple")
# --- tracing: OpenTelemetry over OTLP (project/tracing.py, docs/operating.md) ----------
# Installed only when an OTLP endpoint is named; unset, nothing of OpenTelemetry is
# imported. The SDK reads the other standard variables itself (OTEL_SERVICE_NAME,
# OTEL_TRACES_SAMPLER and _ARG, OTEL_BSP_*, OTEL_EXPORTER_OTLP_HEADERS, ...), and
# OTEL_SDK_DISABLED=true keeps it off with an endpoint set.
TRACING = bool(
    env_str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env_str("OTEL_EXPORTER_OTLP_ENDPOINT")
) and not env_bool("OTEL_SDK_DISABLED", False)
# Requests not traced (a comma-separated list of URL patterns): probes and scrapes.
TRACING_EXCLUDED_URLS = env_str("OTEL_PYTHON_DJANGO_EXCLUDED_URLS", "healthz,readyz,metrics")
