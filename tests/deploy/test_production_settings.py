"""Secure defaults when DJANGO_DEBUG=0, and browsers on other origins (CORS)."""

import os
import subprocess
import sys

from tests.client import ENDPOINT
from tests.live import BASE_DIR


def load_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GRAPHIQL"))}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.GRAPHIQL)"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "project.settings", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_secret_key_is_required_outside_debug():
    result = load_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY is required" in result.stderr
    assert load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="short").returncode != 0


def test_graphiql_is_off_outside_debug_unless_forced():
    key = {"DJANGO_SECRET_KEY": "k" * 40}
    assert load_settings(DJANGO_DEBUG="0", **key).stdout.strip() == "False"
    assert load_settings(DJANGO_DEBUG="0", GRAPHIQL="1", **key).stdout.strip() == "True"
    assert load_settings(DJANGO_DEBUG="1").stdout.strip() == "True"


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
