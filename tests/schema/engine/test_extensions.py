"""Strawberry schema extensions run under LeanSchema (and on Strawberry's own path).

Through HTTP: every operation-level hook, in Strawberry's order, for a query and for a
mutation; `resolve` around each field; `get_results` in the answer's `extensions`; what
an extension reads (the operation's name, the document, errors, the result) is there
when Strawberry would have it.
"""

import logging

import pytest
from strawberry.extensions import SchemaExtension

from schema import schema
from schema.server.operations import operation_lines


class Recorder(SchemaExtension):
    """Records each hook as it runs, with what the execution context holds then."""

    calls: list  # set per test, on the class: Strawberry makes an instance per operation

    def record(self, *call) -> None:
        type(self).calls.append(call)

    def on_operation(self):
        self.record("operation", self.execution_context.query is not None)
        yield
        result = self.execution_context.result
        # The name is the document's: known once it is parsed (as under Strawberry).
        self.record("operation done", self.execution_context.operation_name, bool(result.errors))

    def on_parse(self):
        yield
        self.record("parsed", self.execution_context.graphql_document is not None)

    def on_validate(self):
        yield
        self.record("validated", len(self.execution_context.pre_execution_errors or []))

    def on_execute(self):
        self.record("execute", self.execution_context.operation_type.value)
        yield
        self.record("executed", self.execution_context.result is not None)

    def resolve(self, _next, root, info, *args, **kwargs):
        self.record("resolve", info.field_name)
        return _next(root, info, *args, **kwargs)

    def get_results(self):
        name = self.execution_context.operation_name
        return {"recordedBy": type(self).__name__, "operation": name}


@pytest.fixture(params=["lean", "strawberry"])
def recorder(request, engine_on, settings, monkeypatch) -> type[Recorder]:
    """The schema with a Recorder, on the lean path or on Strawberry's own."""
    settings.GRAPHQL_ENGINE_LEAN_PATH = request.param == "lean"
    monkeypatch.setattr(Recorder, "calls", [], raising=False)
    monkeypatch.setattr(schema, "extensions", [Recorder])
    return Recorder


def test_a_query_runs_every_hook_in_order(gql, alice, login, recorder):
    login(alice)
    recorder.calls.clear()  # the sign-in was an operation too
    response = gql.execute("query Who { me { username } }")
    assert response.data == {"me": {"username": "alice"}}
    assert recorder.calls == [
        ("operation", True),
        ("parsed", True),
        ("validated", 0),
        ("execute", "query"),
        ("resolve", "me"),
        ("resolve", "username"),
        ("executed", True),
        ("operation done", "Who", False),
    ]
    assert response.body["extensions"] == {"recordedBy": "Recorder", "operation": "Who"}


def test_a_mutation_runs_every_hook_and_reads_its_name(gql, alice, login, recorder):
    login(alice)
    recorder.calls.clear()
    response = gql.execute(
        "mutation Rename($name: String!) { updateProfile(input: {displayName: $name}) "
        "{ ... on User { displayName } } }",
        {"name": "Ada"},
    )
    assert response.data == {"updateProfile": {"displayName": "Ada"}}
    assert [call[0] for call in recorder.calls] == [
        "operation",
        "parsed",
        "validated",
        "execute",
        "resolve",
        "resolve",
        "executed",
        "operation done",
    ]
    assert recorder.calls[3] == ("execute", "mutation")
    assert recorder.calls[-1] == ("operation done", "Rename", False)
    assert response.body["extensions"]["operation"] == "Rename"


def test_a_refused_operation_runs_the_hooks_up_to_validation(gql, recorder):
    response = gql.execute("query Broken { me { nope } }")
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert recorder.calls == [
        ("operation", True),
        ("parsed", True),
        ("validated", 1),
        ("operation done", "Broken", True),
    ]
    assert response.body["extensions"]["operation"] == "Broken"


def test_the_operation_log_line_is_written_inside_the_extensions(gql, recorder, caplog):
    # The hooks' `end` (the log line queued) runs before any extension's on_operation exits.
    class Marker(Recorder):
        def on_operation(self):
            yield
            operation_lines.flush()
            logged = [r for r in caplog.records if r.name == "schema.server.operations"]
            self.record("lines at exit", len(logged))

    schema.extensions = [Marker]
    operation_lines.flush()  # earlier tests' lines, handled late, are not this one's
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="schema.server.operations"):
        gql.execute("query Who { me { id } }")
    assert ("lines at exit", 1) in recorder.calls


class Failing(SchemaExtension):
    def on_execute(self):
        raise RuntimeError("the tracer is down")
        yield  # a generator hook, never reached


def test_a_failing_extension_is_an_internal_error_logged_once(
    gql, engine_on, settings, monkeypatch, caplog
):
    monkeypatch.setattr(schema, "extensions", [Failing])
    for lean in (True, False):
        settings.GRAPHQL_ENGINE_LEAN_PATH = lean
        caplog.clear()
        response = gql.execute("query Who { me { id } }")
        assert response.status == 200
        assert response.error_codes == ["INTERNAL_SERVER_ERROR"], lean
        assert response.errors[0]["message"] == "Internal server error."
        [logged] = [r for r in caplog.records if r.exc_info]
        assert "the tracer is down" in str(logged.exc_info[1])
