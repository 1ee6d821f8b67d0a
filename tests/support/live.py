"""A real server process (gunicorn) on a free port, for tests that speak plain HTTP."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from tests.support.ports import free_port

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


class LiveServer:
    """gunicorn on the project's production settings (DEBUG off).

    Its database is a SQLite file of its own; with `suite_database`, a database of its
    own on the suite's server when the suite runs on PostgreSQL (created here, dropped
    at stop), so what PostgreSQL refuses (NUL characters, out-of-range numbers) is met.
    """

    def __init__(
        self,
        workdir: Path,
        extra_env: dict[str, str] | None = None,
        *,
        threads: int = 4,
        suite_database: bool = False,
    ) -> None:
        self.port = free_port()
        self.threads = threads
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "server.log"
        self.postgres_database = None
        database_url = f"sqlite:///{workdir / 'live.sqlite3'}"
        if suite_database and settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
            self.postgres_database = f"live_{os.getpid()}_{self.port}"
            database_url = _postgres_url(self.postgres_database)
        # A broker or shared cache named in the developer's shell is not the live
        # server's: media work runs inline there unless a test passes a broker.
        inherited = {
            k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "REDIS_URL")
        }
        self.env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "live-server-test-key-0123456789abcdefghijkl",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(workdir / "media"),
            # Notification email goes nowhere (not to a mail server named in the shell).
            "EMAIL_URL": "dummy://",
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "LiveServer":
        if self.postgres_database:
            _postgres_admin(f'CREATE DATABASE "{self.postgres_database}"')
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
        )
        self.process = subprocess.Popen(
            self.command(),
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        # Generous: two xdist workers may start servers at once on a busy machine.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"live server did not start:\n{self.log.read_text()[-3000:]}")

    def command(self) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            "project.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            str(self.threads),
        ]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.postgres_database:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{self.postgres_database}" WITH (FORCE)')
            self.postgres_database = None


def post_json(
    url: str, body: dict, *, token: str | None = None, timeout: float = 60
) -> tuple[int, dict]:
    """POST `body` as JSON to `url` (with the JWT `token` if given): the status and the
    decoded answer. An error status raises urllib's HTTPError."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"JWT {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read())


def graphql_data(
    url: str, query: str, variables: dict | None = None, *, token: str | None = None
) -> dict:
    """The data of a GraphQL answer from `url` that must carry no errors."""
    _, body = post_json(
        url, {"query": query, "variables": variables or {}}, token=token, timeout=10
    )
    assert "errors" not in body, body
    return body["data"]


def sign_up(url: str, username: str, password: str, email: str) -> str:
    """Register an account on the live server at `url` and sign it in: its access token."""
    graphql_data(
        f"{url}/graphql/",
        "mutation ($u: String!, $e: String!, $p: String!) { register(input: {username: $u, "
        "email: $e, password: $p}) { ... on User { username } } }",
        {"u": username, "e": email, "p": password},
    )
    data = graphql_data(
        f"{url}/graphql/",
        "mutation ($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }",
        {"u": username, "p": password},
    )
    return data["tokenAuth"]["token"]


def _postgres_url(name: str) -> str:
    database = settings.DATABASES["default"]
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _postgres_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_url("postgres"), autocommit=True) as connection:
        connection.execute(statement)
