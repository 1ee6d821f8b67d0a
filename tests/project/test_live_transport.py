"""Hostile requests against a real gunicorn (DEBUG off): coded JSON answers, a clean log."""

import http.client
import json
import logging

import pytest

from project.logging import EscapeControlCharacters
from tests.support.queue import wait_for


def send(live, method: str, body: bytes = b"", headers: dict | None = None, path="/graphql/"):
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def written_after(live, query: str | None, line: str) -> str:
    """The server's log once `line` is in it (after sending `query`, if given).

    The server writes its log from a thread of its own (project.logging.QueuedHandler),
    in the order lines were logged: once a later line is there, every earlier one is.
    """
    if query is not None:
        body = json.dumps({"query": query}).encode()
        send(live, "POST", body, {"Content-Type": "application/json"})
    wait_for(lambda: line in live.log.read_text(), timeout=10, what=f"{line!r} in the log")
    return live.log.read_text()


@pytest.mark.parametrize(
    ("method", "body", "content_type", "status"),
    [
        ("POST", b"{nope", "application/json", 400),
        ("POST", b"42", "application/json", 400),
        ("POST", b'{"query": "\xff"}', "application/json", 400),
        ("POST", b"[" * 50_000 + b"]" * 50_000, "application/json", 400),
        ("POST", b"query=%7B__typename%7D", "application/x-www-form-urlencoded", 415),
        ("POST", b"--x\r\n", "multipart/form-data; boundary=x", 401),
        ("PUT", b"{}", "application/json", 405),
    ],
)
def test_malformed_requests_get_coded_json_over_real_http(live, method, body, content_type, status):
    answered, media_type, content = send(live, method, body, {"Content-Type": content_type})
    assert (answered, media_type) == (status, "application/json")
    assert json.loads(content)["errors"][0]["extensions"]["code"] in {
        "BAD_REQUEST",
        "UNAUTHENTICATED",
    }


def test_a_get_mutation_is_405_over_real_http(live):
    status, media_type, content = send(
        live, "GET", path="/graphql/?query=mutation+cop+%7B__typename%7D"
    )
    assert (status, media_type) == (405, "application/json")
    assert json.loads(content)["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_no_request_above_logs_a_traceback(live):
    for body in (b"42", b'{"query": "\xff"}', b"[" * 50_000 + b"]" * 50_000):
        send(live, "POST", body, {"Content-Type": "application/json"})
    log = written_after(live, "query Mark { __typename }", "operation=Mark ")
    assert "Traceback" not in log and "Internal Server Error" not in log


def test_an_operation_name_cannot_forge_a_log_line(live):
    forged = "Real\n2026-01-01 00:00:00,000 ERROR schema.core.errors FORGED line\r\x1b[2J"
    body = json.dumps({"query": "query Real { __typename }", "operationName": forged})
    send(live, "POST", body.encode(), {"Content-Type": "application/json"})
    lines = written_after(live, None, "FORGED line").splitlines()
    assert not [line for line in lines if line.startswith("2026-01-01")]
    assert not [line for line in lines if "\x1b" in line]
    assert any("FORGED line" in line and "\\n2026-01-01" in line for line in lines)


def test_the_filter_escapes_controls_in_messages_and_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a\nb %s", ("c\rd\u2028",), None)
    EscapeControlCharacters().filter(record)
    assert record.getMessage() == "a\\nb c\\rd\\u2028"
