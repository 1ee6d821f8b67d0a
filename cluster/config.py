"""Where every piece of the cluster listens and keeps its state, and the app's settings.

Ports come from the environment (CLUSTER_*), so two clusters, or a cluster beside the
machine's own PostgreSQL and Redis, do not clash. All state lives under CLUSTER_DIR
(var/cluster/ by default): `python -m cluster down --wipe` removes it.
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "photos"
BUCKET = "photos"
S3_ACCESS_KEY = "cluster-access"
S3_SECRET_KEY = "cluster-secret-key"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass(frozen=True)
class Config:
    root: Path
    primary_port: int
    replica_port: int
    redis_port: int
    s3_port: int
    web_ports: tuple[int, ...]
    # gunicorn workers x threads per web process, Celery processes per worker: the
    # machine this runs on may have two cores shared with everything else.
    web_workers: int
    web_threads: int
    worker_concurrency: int

    @classmethod
    def from_env(cls) -> "Config":
        web = os.environ.get("CLUSTER_WEB_PORTS") or "58101,58102"
        return cls(
            root=Path(os.environ.get("CLUSTER_DIR") or BASE_DIR / "var" / "cluster").resolve(),
            primary_port=_port("CLUSTER_PG_PORT", 55432),
            replica_port=_port("CLUSTER_REPLICA_PORT", 55433),
            redis_port=_port("CLUSTER_REDIS_PORT", 56379),
            s3_port=_port("CLUSTER_S3_PORT", 59000),
            web_ports=tuple(int(p) for p in web.split(",") if p.strip()),
            web_workers=_port("CLUSTER_WEB_WORKERS", 2),
            web_threads=_port("CLUSTER_WEB_THREADS", 2),
            worker_concurrency=_port("CLUSTER_WORKER_CONCURRENCY", 1),
        )

    # -- folders ---------------------------------------------------------------------
    @property
    def run_dir(self) -> Path:  # pid files
        return self.root / "run"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def pg_dir(self) -> Path:  # owned by the user PostgreSQL runs as (may be a link)
        return (self.root / "pg").resolve()

    @property
    def s3_root(self) -> Path:
        return self.root / "s3"

    # -- addresses -------------------------------------------------------------------
    def database_url(self, port: int) -> str:
        # A request waits at most 3 s for a database that went away (libpq's option).
        return f"postgres://postgres@127.0.0.1:{port}/{DATABASE}?connect_timeout=3"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}"

    @property
    def s3_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def web_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.web_ports]

    def app_env(self) -> dict[str, str]:
        """What every app process (web, worker, manage.py) runs with: production mode,
        the cluster's services, and nothing of the developer's shell that names others."""
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "DATABASE_", "REDIS_", "CELERY_", "DJANGO_", "EMAIL_"))
        }
        return {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY_FILE": str(self.root / "secret_key"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url(self.primary_port),
            # The replica router (DATABASE_REPLICA_URL, docs/scaling.md) reads from it.
            "DATABASE_REPLICA_URL": self.database_url(self.replica_port),
            "REDIS_URL": f"{self.redis_url}/0",
            "CELERY_BROKER_URL": f"{self.redis_url}/1",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": self.s3_url,
            "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
            "AWS_S3_REGION_NAME": "us-east-1",
            "EMAIL_URL": "dummy://",
            # A killed worker's task comes back after this long (not the default hour),
            # so retries wait less than that (docs/cluster.md).
            "TASK_VISIBILITY_TIMEOUT": os.environ.get("TASK_VISIBILITY_TIMEOUT", "40"),
            "TASK_TIME_LIMIT": os.environ.get("TASK_TIME_LIMIT", "30"),
            "TASK_RETRY_BACKOFF_MAX": os.environ.get("TASK_RETRY_BACKOFF_MAX", "5"),
            # Two cores shared by every process here: the checks get their longest wait.
            "READYZ_CHECK_SECONDS": "2.5",
            "PYTHONUNBUFFERED": "1",
        }
