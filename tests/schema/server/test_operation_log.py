"""One log line per GraphQL operation: name, type, duration, SQL count, status."""

import logging
import re

import pytest

from schema.server.operations import operation_lines


@pytest.fixture(autouse=True)
def only_this_tests_lines(caplog):
    operation_lines.flush()  # earlier tests' lines, handled late, are not this test's
    caplog.clear()


def lines(caplog) -> list[str]:
    operation_lines.flush()  # the lines are handled in a logging thread
    return [r.getMessage() for r in caplog.records if r.name == "schema.server.operations"]


def test_each_operation_logs_one_line(gql, alice, caplog):
    with caplog.at_level(logging.INFO, logger="schema.server.operations"):
        gql.execute('query WhoIs { user(username: "alice") { username } }')
    [line] = lines(caplog)
    match = re.fullmatch(
        r"graphql operation=WhoIs type=query ms=\d+\.\d sql=(\d+) status=ok errors=0", line
    )
    assert match and int(match.group(1)) == 1


def test_errors_are_counted(gql, caplog):
    with caplog.at_level(logging.INFO, logger="schema.server.operations"):
        gql.execute("query Broken { me { nope } }")
        gql.execute('mutation { tokenAuth(username: "x", password: "y") { token } }')
    first, second = lines(caplog)
    assert "operation=Broken" in first and "status=error errors=1" in first
    assert "type=mutation" in second and "status=error" in second
