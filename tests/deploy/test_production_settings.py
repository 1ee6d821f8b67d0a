"""Secure defaults when DJANGO_DEBUG=0, and browsers on other origins (CORS)."""

import os
import stat
import subprocess
import sys

from tests.support.client import ENDPOINT
from tests.support.live import BASE_DIR


def load_settings(setting: str = "GRAPHIQL", **env) -> subprocess.CompletedProcess:
    """Load project.settings in a fresh process with `env`; it prints `setting`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GRAPHIQL"))}
    return subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{setting})"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "project.settings", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_secret_key_is_required_outside_debug():
    result = load_settings(DJANGO_DEBUG="0")
    assert (
        result.returncode != 0 and "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE)" in result.stderr
    )
    assert load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="short").returncode != 0


def secret_key(**env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_a_key_file_is_made_on_first_use_private_and_kept(tmp_path):
    path = tmp_path / "var" / "secret_key"
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "", "DJANGO_SECRET_KEY_FILE": str(path)}
    first = secret_key(**env)
    assert len(first) >= 48 and path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(**env) == first  # a restart signs with the same key
    other = tmp_path / "other"
    assert secret_key(**{**env, "DJANGO_SECRET_KEY_FILE": str(other)}) != first


def test_processes_starting_together_agree_on_one_key(tmp_path):
    path = tmp_path / "secret_key"
    code = "from pathlib import Path; from project.secret_key import read_or_create; "
    code += f"print(read_or_create(Path({str(path)!r})))"
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", code], cwd=BASE_DIR, stdout=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    keys = {process.communicate(timeout=60)[0].strip() for process in starts}
    assert keys == {path.read_text().strip()}
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no drafts left


def test_debug_never_signs_with_a_key_from_the_repository(tmp_path):
    key_file = str(tmp_path / "k")
    key = secret_key(DJANGO_DEBUG="1", DJANGO_SECRET_KEY="", DJANGO_SECRET_KEY_FILE=key_file)
    skip = {".git", ".venv", "var", "__pycache__", ".pytest_cache", ".ruff_cache"}
    sources = [
        path
        for path in BASE_DIR.rglob("*")
        if path.is_file() and not skip.intersection(path.relative_to(BASE_DIR).parts)
    ]
    assert sources
    assert not [path for path in sources if key.encode() in path.read_bytes()]


def test_make_run_keeps_its_key_under_var():
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "DJANGO_SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key" in makefile


def test_graphiql_is_off_outside_debug_unless_forced(tmp_path):
    key = {"DJANGO_SECRET_KEY": "k" * 40}
    assert load_settings(DJANGO_DEBUG="0", **key).stdout.strip() == "False"
    assert load_settings(DJANGO_DEBUG="0", GRAPHIQL="1", **key).stdout.strip() == "True"
    key_file = {"DJANGO_SECRET_KEY_FILE": str(tmp_path / "secret_key")}
    assert load_settings(DJANGO_DEBUG="1", **key_file).stdout.strip() == "True"


def test_security_headers(client, db):
    response = client.get("/healthz")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_an_allowed_origin_may_call_with_the_authorization_header(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]
    preflight = client.options(
        ENDPOINT,
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "authorization" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight

    post = client.post(
        ENDPOINT,
        data='{"query": "{ me { id } }"}',
        content_type="application/json",
        headers={"Origin": "http://localhost:3000"},
    )
    assert post["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_other_origins_get_no_cors_headers(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]
    response = client.options(
        ENDPOINT,
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in response


def test_introspection_is_off_outside_debug_unless_graphiql_or_asked_for():
    def introspection(**env) -> str:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from django.conf import settings; print(settings.GRAPHQL_INTROSPECTION)",
            ],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "project.settings",
                "DJANGO_SECRET_KEY": "k" * 40,
                **env,
            },
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert introspection(DJANGO_DEBUG="0", GRAPHIQL="0") == "False"
    assert introspection(DJANGO_DEBUG="0", GRAPHIQL="1") == "True"
    assert introspection(DJANGO_DEBUG="0", GRAPHIQL="0", GRAPHQL_INTROSPECTION="1") == "True"
    assert introspection(DJANGO_DEBUG="1", GRAPHQL_INTROSPECTION="0") == "False"


def _cors_regexes(debug: str, tmp_path) -> str:
    key = str(tmp_path / "key")
    loaded = load_settings(
        "CORS_ALLOWED_ORIGIN_REGEXES", DJANGO_DEBUG=debug, DJANGO_SECRET_KEY_FILE=key
    )
    assert loaded.returncode == 0, loaded.stderr
    return loaded.stdout.strip()


def test_debug_alone_lets_dev_servers_on_this_machine_call(tmp_path):
    assert "localhost" in _cors_regexes("1", tmp_path)
    assert _cors_regexes("0", tmp_path) == "[]"


def test_a_dev_server_may_send_apollos_headers_in_debug(client, db, settings):
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost(:\d+)?$"]
    requested = "apollo-require-preflight, apollo-client-name, apollo-client-version, authorization"
    for origin, allowed in (
        ("http://localhost:3000", True),
        ("http://localhost:5173", True),
        ("http://localhost.evil.example", False),
        ("https://localhost:3000", False),
    ):
        preflight = client.options(
            ENDPOINT,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": requested,
            },
        )
        assert (preflight.get("Access-Control-Allow-Origin") == origin) is allowed, origin
        if allowed:
            sent = {h.strip() for h in preflight["Access-Control-Allow-Headers"].split(",")}
            assert {h.strip() for h in requested.split(",")} <= sent
