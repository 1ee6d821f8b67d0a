"""Fuzzing every root field of the committed schema.graphql against a live server.

hypothesis-graphql writes queries and mutations from the SDL clients see: valid ones
(every argument shape, strings with NUL and any Unicode, huge and negative numbers,
nulls) and, in negative mode, documents with one schema violation each. Sent as a
signed-in client over real HTTP to gunicorn with DEBUG off, none may answer a 5xx or an
INTERNAL_SERVER_ERROR, and the server log must hold no traceback.

`make test` runs a fixed, derandomized set (FUZZ_EXAMPLES per field and mode, 10 by
default); `make fuzz` runs many more, with fresh randomness each time.
"""

import json
import os
import urllib.error
import urllib.request

import pytest
from graphql import StringValueNode, build_schema

from tests.support.live import BASE_DIR, post_json

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is a dev dependency")
hypothesis_graphql = pytest.importorskip("hypothesis_graphql")
st = hypothesis.strategies

SDL = (BASE_DIR / "schema.graphql").read_text()
SCHEMA = build_schema(SDL)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
PASSWORD = "fuzzing-password-123"

# The live server gets a database of its own on the suite's server when that is
# PostgreSQL, which refuses what SQLite takes (NUL characters, out-of-range numbers).
# A budget no fuzz run empties: past it every document would be refused unread.
pytestmark = pytest.mark.live_server(
    suite_database=True, extra_env={"GRAPHQL_BUDGET_MAX": "1000000000"}
)

# Negative mode needs an argument to violate; fields without one get positive mode only.
CASES = [
    (f"{root.name}.{name}", name, mode)
    for root in (SCHEMA.query_type, SCHEMA.mutation_type)
    for name, field in root.fields.items()
    for mode in (("POSITIVE", "NEGATIVE") if field.args else ("POSITIVE",))
]


def strings(values: st.SearchStrategy[str]) -> st.SearchStrategy[StringValueNode]:
    return values.map(lambda value: StringValueNode(value=value))


# Custom scalars as clients might send them: well-formed, almost, and not at all.
SCALARS = {
    "DateTime": strings(
        st.one_of(
            st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
            st.datetimes().map(lambda d: d.isoformat()),
            st.text(max_size=30),
        )
    ),
    "Upload": strings(st.text(max_size=20)),
    "JSON": strings(st.text(max_size=20)),
}


def post_any_status(live, body: dict, token: str | None = None) -> tuple[int, dict]:
    """The status and answer of a GraphQL request, error statuses included."""
    try:
        return post_json(f"{live.url}/graphql/", body, token=token, timeout=60)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture(scope="module")
def token(live) -> str:
    register = """mutation($u: String!, $e: String!, $p: String!) {
      register(input: {username: $u, email: $e, password: $p}) { __typename } }"""
    post_any_status(
        live, {"query": register, "variables": {"u": "fuzzer", "e": "f@example.com", "p": PASSWORD}}
    )
    login = 'mutation($p: String!) { tokenAuth(username: "fuzzer", password: $p) { token } }'
    status, body = post_any_status(live, {"query": login, "variables": {"p": PASSWORD}})
    assert status == 200, body
    return body["data"]["tokenAuth"]["token"]


@pytest.mark.parametrize(
    ("field", "mode"), [c[1:] for c in CASES], ids=[f"{c[0]}-{c[2]}" for c in CASES]
)
def test_no_generated_operation_is_a_server_error(live, token, field, mode):
    strategy = hypothesis_graphql.from_schema(
        SCHEMA,
        fields=[field],
        custom_scalars=SCALARS,
        mode=getattr(hypothesis_graphql.Mode, mode),
    )

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(document=strategy)
    def check(document: str) -> None:
        status, body = post_any_status(live, {"query": document}, token)
        assert status < 500, (status, body)
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
        assert "INTERNAL_SERVER_ERROR" not in codes, (document, body)
        assert all(codes), body  # every error carries a code

    check()


def test_the_fuzzed_server_logged_no_traceback(live):
    # Runs after the fuzzing above (same module, same server).
    log = live.log.read_text()
    assert "Traceback" not in log, log[-3000:]
