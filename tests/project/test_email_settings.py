"""EMAIL_URL and the EMAIL_* variables become Django's email settings (project/email.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from project.email import CONSOLE, DUMMY, SMTP, email_settings, parse_email_url

EMAIL_VARIABLES = (
    "EMAIL_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "DEFAULT_FROM_EMAIL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in EMAIL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def server(found: dict) -> tuple:
    keys = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD")
    return (*(found[key] for key in keys), found["EMAIL_USE_TLS"], found["EMAIL_USE_SSL"])


@pytest.mark.parametrize(
    "url, expected",
    [
        ("smtp://mailpit:1025", (SMTP, "mailpit", 1025, "", "", False, False)),
        ("smtp://mail.example.com", (SMTP, "mail.example.com", 25, "", "", False, False)),
        (
            "smtp://me%40example.com:p%40ss%2Fword@smtp.example.com:587?tls=1",
            (SMTP, "smtp.example.com", 587, "me@example.com", "p@ss/word", True, False),
        ),
        ("smtps://u:p@smtp.example.com", (SMTP, "smtp.example.com", 465, "u", "p", False, True)),
        (
            "SMTPS://u:p@smtp.example.com:2465",
            (SMTP, "smtp.example.com", 2465, "u", "p", False, True),
        ),
    ],
)
def test_smtp_urls(url, expected):
    assert server(parse_email_url(url)) == expected


def test_console_and_dummy_urls():
    assert parse_email_url("console://")["EMAIL_BACKEND"] == CONSOLE
    assert parse_email_url("dummy://")["EMAIL_BACKEND"] == DUMMY


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example.com",
        "smtp://",
        "smtp://host:notaport",
        "mailpit:1025",
        "smtp://h:99999",
    ],
)
def test_bad_urls_stop_the_start(url):
    with pytest.raises(ImproperlyConfigured):
        parse_email_url(url)


def test_nothing_set_is_the_console_in_debug_and_localhost_smtp_otherwise():
    assert email_settings(debug=True)["EMAIL_BACKEND"] == CONSOLE
    production = email_settings(debug=False)
    assert server(production) == (SMTP, "localhost", 25, "", "", False, False)
    assert production["DEFAULT_FROM_EMAIL"] == "photo-graph <noreply@localhost>"
    assert production["EMAIL_TIMEOUT"] == 10


def test_email_url_wins_over_the_variables(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://mailpit:1025")
    monkeypatch.setenv("EMAIL_HOST", "ignored.example.com")
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "Photos <photos@example.com>")
    found = email_settings(debug=True)
    assert server(found)[:3] == (SMTP, "mailpit", 1025)
    assert found["DEFAULT_FROM_EMAIL"] == "Photos <photos@example.com>"


def test_the_email_variables(monkeypatch):
    for name, value in {
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "me",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": "1",
        "EMAIL_TIMEOUT": "3",
    }.items():
        monkeypatch.setenv(name, value)
    found = email_settings(debug=False)
    assert server(found) == (SMTP, "smtp.example.com", 587, "me", "secret", True, False)
    assert found["EMAIL_TIMEOUT"] == 3


@pytest.mark.parametrize(
    "variables",
    [
        {"EMAIL_HOST": "h", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
        {"EMAIL_URL": "smtps://h?tls=1"},
        {"EMAIL_HOST": "h", "EMAIL_PORT": "twenty-five"},
        {"EMAIL_HOST": "h", "EMAIL_USE_TLS": "maybe"},
    ],
)
def test_contradictions_and_bad_values_stop_the_start(monkeypatch, variables):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured):
        email_settings(debug=False)
