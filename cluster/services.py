"""Every process of the cluster by name, how each starts, and when each is ready.

primary, replica    PostgreSQL (cluster.postgres)
redis               the broker, throttles and rates, live events (append-only file:
                    queued tasks survive a restart)
s3                  rclone serve s3 over var/cluster/s3/ (bucket `photos`)
web1, web2, ...     gunicorn on CLUSTER_WEB_PORTS, ready when /readyz answers 200
worker-media        Celery on the media queue (thumbnail sets, deletes)
worker-rest         Celery on every other queue, and beat (there must be one beat)
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from cluster.config import BASE_DIR, BIN, BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY, Config
from cluster.postgres import Server, create_database
from cluster.procs import Proc, wait_for

# Queues each worker consumes (project/settings.py routes every task to one of media,
# email, maintenance; docs/scaling.md).
MEDIA_QUEUES = os.environ.get("CLUSTER_MEDIA_QUEUES") or "media"
REST_QUEUES = os.environ.get("CLUSTER_REST_QUEUES") or "email,maintenance"


def _redis_ping(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")


def _http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


def _find(name: str) -> str:
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found (in {BIN} or on PATH)")
    return found


class Cluster:
    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config.from_env()
        self.primary = Server(self.config, "primary")
        self.replica = Server(self.config, "replica")
        self.webs = [f"web{i + 1}" for i in range(len(self.config.web_ports))]
        self.workers = ["worker-media", "worker-rest"]
        self.names = ["primary", "replica", "redis", "s3", *self.webs, *self.workers]

    def proc(self, name: str) -> Proc:
        return Proc(name, self.config.run_dir, self.config.log_dir)

    # -- the whole -------------------------------------------------------------------
    def up(self) -> None:
        """Start whatever is not running, in order; migrations and the bucket on the way."""
        for name in self.names:
            if not self.running(name):
                began = time.monotonic()
                self.start(name)
                print(f"  {name:<13} ready in {time.monotonic() - began:.1f} s", flush=True)
            if name == "s3":  # everything below needs the schema
                self.manage("migrate", "--noinput", "-v", "0")

    def down(self) -> None:
        for name in reversed(self.names):
            self.stop(name)

    def status(self) -> dict[str, bool]:
        return {name: self.running(name) for name in self.names}

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """manage.py against the cluster (migrate, recount --check, make_thumbnails ...)."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR, env=self.config.app_env(), check=False, capture_output=True,
            text=True,
        )  # fmt: skip
        if check and result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result

    # -- one process -----------------------------------------------------------------
    def running(self, name: str) -> bool:
        if name in ("primary", "replica"):
            return getattr(self, name).running()
        return self.proc(name).running()

    def start(self, name: str) -> None:
        config = self.config
        if name == "primary":
            self.primary.prepare_dirs()
            if not self.primary.initialized():
                self.primary.init_primary()
            self.primary.start()
            create_database(config)
            return
        if name == "replica":
            if not self.replica.initialized():
                self.replica.init_replica()
            self.replica.start()
            return
        proc = self.proc(name)
        offset = proc.log_size()
        if name == "redis":
            data = config.root / "redis"
            data.mkdir(parents=True, exist_ok=True)
            proc.spawn(
                [_find("redis-server"), "--bind", "127.0.0.1", "--port", str(config.redis_port),
                 "--dir", str(data), "--appendonly", "yes", "--appendfsync", "everysec",
                 "--save", "", "--maxmemory-policy", "noeviction"],
                dict(os.environ), BASE_DIR,
            )  # fmt: skip
            wait_for(lambda: _redis_ping(config.redis_port), 20, name, proc.log)
        elif name == "s3":
            (config.s3_root / BUCKET).mkdir(parents=True, exist_ok=True)
            env = {k: v for k, v in os.environ.items() if not k.startswith("RCLONE_")}
            proc.spawn(
                [_find("rclone"), "serve", "s3", f":local:{config.s3_root}",
                 "--addr", f"127.0.0.1:{config.s3_port}",
                 "--auth-key", f"{S3_ACCESS_KEY},{S3_SECRET_KEY}", "--config", "",
                 "--vfs-cache-mode", "off", "--force-path-style=true", "--log-level", "INFO"],
                env, BASE_DIR,
            )  # fmt: skip
            # Any answer over HTTP (403 unsigned) means it serves.
            wait_for(lambda: _s3_answers(config.s3_url), 20, name, proc.log)
        elif name in self.webs:
            port = config.web_ports[self.webs.index(name)]
            proc.spawn(
                [_find("gunicorn"), "project.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--worker-class", "gthread", "--workers", str(config.web_workers),
                 "--threads", str(config.web_threads), "--timeout", "30",
                 "--graceful-timeout", "5", "--name", name],
                config.app_env(), BASE_DIR,
            )  # fmt: skip
            wait_for(lambda: _http_ok(f"http://127.0.0.1:{port}/readyz"), 60, name, proc.log)
        elif name in self.workers:
            media = name == "worker-media"
            argv = [
                _find("celery"), "-A", "project", "worker", "--loglevel", "INFO",
                "-n", f"{name.removeprefix('worker-')}@%h",
                "-Q", MEDIA_QUEUES if media else REST_QUEUES,
                "--concurrency", str(config.worker_concurrency),
            ]  # fmt: skip
            if not media:
                argv += ["--beat", "--schedule", str(config.root / "celerybeat-schedule")]
            proc.spawn(argv, config.app_env(), BASE_DIR)
            wait_for(lambda: " ready." in proc.log_since(offset), 60, name, proc.log)
        else:
            raise KeyError(f"no process {name!r}; one of {', '.join(self.names)}")

    def stop(self, name: str) -> None:
        if name in ("primary", "replica"):
            getattr(self, name).stop()
        else:
            self.proc(name).stop()

    def kill(self, name: str) -> None:
        """kill -9: no shutdown of any kind."""
        if name in ("primary", "replica"):
            getattr(self, name).kill()
        else:
            self.proc(name).kill()

    def restart(self, name: str) -> None:
        if name in ("primary", "replica"):
            getattr(self, name).restart()
            return
        self.stop(name)
        self.start(name)


def _s3_answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
    except urllib.error.HTTPError:
        return True
    return True
