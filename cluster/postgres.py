"""The cluster's PostgreSQL: a primary and a streaming replica of it, with the system's
binaries, in folders under var/cluster/pg/.

PostgreSQL refuses to run as root, so as root (CI, containers) every command runs as
the `postgres` system user (runuser) in folders chowned to it; as anyone else (a
newcomer's laptop) it runs as that user. Where `postgres` cannot reach var/cluster/
(a checkout under /root, mode 0700), its folders live under /var/tmp and
var/cluster/pg is a link to them. Both servers listen on 127.0.0.1 only, with
trust authentication: they are a test bed, never reachable from elsewhere.
"""

import contextlib
import glob
import hashlib
import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

from cluster.config import DATABASE, Config
from cluster.procs import wait_for


def bin_dir() -> Path:
    """The newest installed PostgreSQL's binaries (Debian's /usr/lib/postgresql/N/bin),
    else whatever initdb is on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: [int(n) for n in re.findall(r"\d+", p)],
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("no PostgreSQL binaries (initdb): apt-get install postgresql")


def _as_pg(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(_as_pg(argv), check=True, capture_output=True, text=True, **kwargs)


def ensure_pg_dir(config: Config) -> None:
    link = config.root / "pg"
    if link.exists() or link.is_symlink():
        return
    config.root.mkdir(parents=True, exist_ok=True)
    reachable = subprocess.run(
        _as_pg(["test", "-x", str(config.root)]), check=False, capture_output=True
    )
    if reachable.returncode == 0:
        link.mkdir()
        return
    digest = hashlib.sha256(str(config.root).encode()).hexdigest()[:12]
    target = Path("/var/tmp") / f"photo-graph-cluster-{digest}" / "pg"
    target.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


class Server:
    """One PostgreSQL server: `primary`, or `replica` (streaming from the primary)."""

    def __init__(self, config: Config, name: str) -> None:
        ensure_pg_dir(config)
        self.config = config
        self.name = name
        self.data = config.pg_dir / name
        self.port = config.primary_port if name == "primary" else config.replica_port
        self.log = config.pg_dir / f"{name}.log"
        self.socket_dir = config.pg_dir / "sock"

    # -- setup ---------------------------------------------------------------------------
    def prepare_dirs(self) -> None:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            for path in (self.config.pg_dir, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)

    def initialized(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init_primary(self) -> None:
        _run(
            [str(bin_dir() / "initdb"), "-D", str(self.data), "-U", "postgres",
             "--auth=trust", "-E", "UTF8", "--no-sync"]
        )  # fmt: skip

    def init_replica(self) -> None:
        """A base backup of the running primary, set to stream from it (-R)."""
        _run(
            [str(bin_dir() / "pg_basebackup"), "-h", "127.0.0.1",
             "-p", str(self.config.primary_port), "-U", "postgres", "-D", str(self.data),
             "-R", "-X", "stream", "-c", "fast"]
        )  # fmt: skip

    # -- running -------------------------------------------------------------------------
    def options(self) -> str:
        return (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            # Small: two of them share a 2-core machine with everything else.
            "-c shared_buffers=64MB -c max_connections=100 -c wal_keep_size=256MB"
        )

    def start(self, wait: bool = True) -> None:
        subprocess.run(
            _as_pg(
                [str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                 "-o", self.options(), "-w" if wait else "-W", "-t", "60", "start"]
            ),
            check=True, capture_output=True, text=True, start_new_session=True,
        )  # fmt: skip
        if wait:
            self.wait_ready()

    def stop(self, mode: str = "fast") -> None:
        if not self.running():
            return
        _run([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def restart(self, mode: str = "immediate") -> None:
        """`immediate` is a crash as far as clients see: every connection cut at once."""
        subprocess.run(
            _as_pg(
                [str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                 "-o", self.options(), "-m", mode, "-w", "-t", "60", "restart"]
            ),
            check=True, capture_output=True, text=True, start_new_session=True,
        )  # fmt: skip
        self.wait_ready()

    def pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 0)
            return pid
        return None

    def running(self) -> bool:
        return self.pid() is not None

    def kill(self) -> None:
        """kill -9 the postmaster; its backends notice and exit on their own."""
        import signal

        pid = self.pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            wait_for(lambda: self.pid() is None, 10, f"{self.name} gone")

    def ready(self) -> bool:
        result = subprocess.run(
            [str(bin_dir() / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port),
             "-d", DATABASE if self.name == "replica" else "postgres", "-t", "1"],
            check=False, capture_output=True,
        )  # fmt: skip
        return result.returncode == 0

    def wait_ready(self, timeout: float = 60) -> None:
        wait_for(self.ready, timeout, f"postgres {self.name}", self.log)


def create_database(config: Config) -> None:
    import psycopg

    url = f"postgres://postgres@127.0.0.1:{config.primary_port}/postgres"
    with psycopg.connect(url, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
