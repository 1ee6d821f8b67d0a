"""GraphQL over HTTP: every malformed request is a JSON error with a code, never a 500."""

import json

import pytest
from django.core.files.uploadhandler import FileUploadHandler

from tests.schema.media.photos import UPLOAD, upload
from tests.support.client import ENDPOINT, multipart_operation, without_cost
from tests.support.images import make_jpeg

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
BOUNDARY = "XxBoundaryxX"


def post_raw(gql, body: bytes | str, content_type: str = JSON, **headers):
    """POST `body` to the endpoint as it is (no JSON encoding), with these headers only."""
    return gql.http.post(ENDPOINT, data=body, content_type=content_type, headers=headers)


def transport_error(response, status: int, code: str = "BAD_REQUEST") -> str:
    """The one error of a refused request, checked for the GraphQL-over-HTTP shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == JSON
    body = response.json()
    assert list(body) == ["errors"]
    [error] = body["errors"]
    assert error["extensions"]["code"] == code
    return error["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "Unable to parse request body as JSON."),
        (b"42", "The JSON must be an object."),
        (b'"a string"', "The JSON must be an object."),
        (b"null", "The JSON must be an object."),
        (b'{"query": "\xff\xfe"}', "The request body is not valid UTF-8."),
        (b"[" * 100_000 + b"]" * 100_000, "The JSON is nested too deeply."),
        (b'{"query": "{ me { id } }", "variables": {"a": NaN}}', "Unable to parse"),
        (b'{"query": "{ me { id } }", "variables": {"a": ' + b"1" * 5000 + b"}}", "Unable to"),
        (b'{"query": 5}', "must be a string"),
        (b'{"query": "{ me { id } }", "variables": [1]}', "must be an object"),
        (b"{}", "No GraphQL query found"),
        (b'[{"query": "{ me { id } }"}]', "Batching is not enabled"),
        (
            b'{"query": "query A { me { id } }", "operationName": "B"}',
            'Unknown operation named "B"',
        ),
    ],
)
def test_malformed_json_bodies_are_coded_json_errors(gql, body, message):
    assert message in transport_error(post_raw(gql, body), 400)


def test_json_nested_deeper_than_the_bound_is_refused_before_it_is_used(gql):
    variables = "[" * 40 + "]" * 40
    body = json.dumps({"query": "{ me { id } }", "variables": {"a": json.loads(variables)}})
    response = post_raw(gql, body)
    assert "nested deeper than 32 levels" in transport_error(response, 400)


def test_an_unsupported_content_type_is_415(gql):
    response = post_raw(gql, "query=%7B+__typename+%7D", "application/x-www-form-urlencoded")
    assert "application/json" in transport_error(response, 415)
    assert transport_error(post_raw(gql, "{}", "text/plain"), 415)


def test_other_methods_are_405_with_allow(gql):
    response = gql.http.put(ENDPOINT, data="{}", content_type=JSON)
    transport_error(response, 405)
    assert response["Allow"] == "GET, POST"


def test_get_serves_queries(gql):
    response = gql.http.get(ENDPOINT, {"query": "{ __typename }"}, HTTP_ACCEPT=JSON)
    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def test_a_get_mutation_is_405_and_runs_nothing(gql, alice, login):
    tokens = login(alice)
    refresh = tokens["refreshToken"]
    query = f'mutation {{ revokeToken(refreshToken: "{refresh}") {{ revoked }} }}'
    response = gql.http.get(ENDPOINT, {"query": query}, HTTP_ACCEPT=JSON)
    assert "POST" in transport_error(response, 405)
    assert response["Allow"] == "POST"
    refreshed = gql.execute(
        "mutation($t: String!) { refreshToken(refreshToken: $t) { token } }",
        {"t": tokens["refreshToken"]},
    )
    assert refreshed.data["refreshToken"]["token"]  # the GET did not revoke it


def test_get_variables_must_be_a_json_object(gql):
    response = gql.http.get(ENDPOINT, {"query": "{ me { id } }", "variables": "[1]"})
    assert "must be an object" in transport_error(response, 400)


def test_a_body_over_the_memory_limit_is_413(gql, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"query": "{ me { id } }", "variables": {"pad": "x" * 2000}})
    assert "too large" in transport_error(post_raw(gql, body), 413)


# --- media types: application/json unless the client prefers graphql-response+json ---


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("text/html", JSON),
        (JSON, JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE};q=0.5", JSON),
    ],
)
def test_the_answer_is_in_the_media_type_the_client_prefers(gql, accept, expected):
    headers = {"Accept": accept} if accept else {}
    response = post_raw(gql, json.dumps({"query": "{ __typename }"}), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == expected
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "query", ["{ me { id ", "{ nope }", "query($n: Int!) { photos(first: $n) { totalCount } }"]
)
def test_graphql_response_json_makes_a_request_error_a_400_without_data(gql, query):
    body = json.dumps({"query": query, "variables": {"n": "ten"}})
    response = post_raw(gql, body, Accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert response["Content-Type"] == GRAPHQL_RESPONSE
    assert "data" not in response.json()
    legacy = post_raw(gql, body, Accept=JSON)
    assert legacy.status_code == 200 and legacy.json()["data"] is None


def test_graphql_response_json_keeps_field_errors_at_200(gql):
    body = json.dumps({"query": '{ photos(after: "bogus") { totalCount } }'})
    response = post_raw(gql, body, Accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.json()["errors"][0]["path"] == ["photos"]


def test_transport_errors_honour_the_media_type_too(gql):
    response = post_raw(gql, b"{not json", Accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert response["Content-Type"] == GRAPHQL_RESPONSE


# --- multipart: the spec's map checked, anonymous file parts never read ------------------


class RecordingUploadHandler(FileUploadHandler):
    """Notes each file part Django starts to receive, then lets the next handler take it."""

    started: list[str] = []

    def new_file(self, field_name, *args, **kwargs):
        RecordingUploadHandler.started.append(field_name)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def recorded_file_parts(settings):
    RecordingUploadHandler.started = []
    settings.FILE_UPLOAD_HANDLERS = [
        f"{__name__}.RecordingUploadHandler",
        *settings.FILE_UPLOAD_HANDLERS,
    ]
    return RecordingUploadHandler.started


def anonymous_upload(gql):
    file = ("a.jpg", make_jpeg(80, 60), "image/jpeg")
    return multipart_operation(gql, UPLOAD, {"input": {"file": None}}, {"input.file": file})


def test_anonymous_multipart_is_refused_before_any_file_part_is_read(
    gql, media, recorded_file_parts
):
    response = anonymous_upload(gql)
    assert response.status == 401
    assert response.body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert recorded_file_parts == []
    assert media.list_keys() == []


def test_a_bad_token_is_anonymous_for_multipart_too(gql, media, recorded_file_parts):
    gql.token = "not-a-token"
    assert anonymous_upload(gql).status == 401
    assert recorded_file_parts == []


def _bad_token(kind: str, user) -> str:
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from tests.schema.users.test_tokens import forged
    from users.services.access_tokens import access_token_create

    if kind == "expired-jwt":
        return forged(settings.SECRET_KEY, exp=int(timezone.now().timestamp()) - 10)
    if kind == "expired-access-token":
        token, row = access_token_create(
            user=user, name="ci", scopes=["PUBLISH"], expires_in_days=1
        )
        row.expires_at = timezone.now() - timedelta(minutes=1)
        row.save(update_fields=["expires_at"])
        return token
    return {"garbage": "not.a.jwt", "unknown-access-token": "pgat_" + "x" * 43}[kind]


@pytest.mark.parametrize(
    "kind", ["expired-jwt", "expired-access-token", "garbage", "unknown-access-token"]
)
def test_a_bad_token_is_told_why_for_multipart_as_for_any_operation(
    gql, alice, media, recorded_file_parts, kind
):
    gql.token = _bad_token(kind, alice)
    refused = anonymous_upload(gql)
    assert refused.status == 401 and recorded_file_parts == []
    assert refused.body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    other = gql.execute("{ accessTokens { totalCount } }")
    assert other.error_codes == ["UNAUTHENTICATED"]
    assert refused.body["errors"][0]["message"] == other.errors[0]["message"]
    if kind.startswith("expired"):
        assert "expired" in refused.body["errors"][0]["message"]


def test_signed_in_multipart_reads_its_file_parts(gql, alice, login, media, recorded_file_parts):
    login(alice)
    assert upload(gql)["__typename"] == "Photo"
    assert recorded_file_parts == ["0"]


def multipart(operations: str, file_map: str, *, files: dict[str, bytes] | None = None) -> bytes:
    parts = [("operations", None, operations.encode()), ("map", None, file_map.encode())]
    parts += [(name, f"{name}.jpg", content) for name, content in (files or {}).items()]
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename:
            body += b"Content-Type: image/jpeg\r\n"
        body += b"\r\n" + content + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


UPLOAD_OPERATIONS = json.dumps({"query": UPLOAD, "variables": {"input": {"file": None}}})


@pytest.mark.parametrize(
    ("operations", "file_map", "message"),
    [
        ("5", '{"0": ["variables.input.file"]}', "must be an object"),
        ("[]", "{}", "must be a JSON object"),
        (UPLOAD_OPERATIONS, "[1, 2]", "'map' must be a JSON object"),
        (UPLOAD_OPERATIONS, '{"0": "variables.input.file"}', "'map' must be a JSON object"),
        (UPLOAD_OPERATIONS, '{"0": [5]}', "'map' must be a JSON object"),
        (UPLOAD_OPERATIONS, '{"1": ["variables.input.file"]}', "file part the request lacks"),
        (UPLOAD_OPERATIONS, '{"0": ["variables.input.nope"]}', "is not a null"),
        (UPLOAD_OPERATIONS, '{"0": ["variables.input.file.deeper"]}', "is not a null"),
        (UPLOAD_OPERATIONS, '{"0": ["operations.input.file"]}', "is not a null"),
        (UPLOAD_OPERATIONS, '{"0": ["variables"]}', "is not a null"),
        (UPLOAD_OPERATIONS, "{not json", "Unable to parse"),
    ],
)
def test_a_malformed_multipart_map_is_a_coded_json_error(
    gql, alice, login, media, operations, file_map, message
):
    login(alice)
    body = multipart(operations, file_map, files={"0": make_jpeg(40, 30)})
    response = post_raw(
        gql, body, f"multipart/form-data; boundary={BOUNDARY}", Authorization=f"JWT {gql.token}"
    )
    assert message in transport_error(response, 400)
    assert media.list_keys() == []


def test_a_multipart_body_without_a_boundary_is_a_coded_json_error(gql, alice, login):
    login(alice)
    response = post_raw(gql, b"xx", "multipart/form-data", Authorization=f"JWT {gql.token}")
    assert transport_error(response, 400)


def test_too_many_file_parts_are_refused(gql, alice, login, media, settings):
    login(alice)
    files = {str(n): make_jpeg(20, 20) for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)}
    body = multipart(UPLOAD_OPERATIONS, '{"0": ["variables.input.file"]}', files=files)
    response = post_raw(
        gql, body, f"multipart/form-data; boundary={BOUNDARY}", Authorization=f"JWT {gql.token}"
    )
    assert transport_error(response, 400)
    assert media.list_keys() == []


def test_a_string_where_a_file_belongs_is_bad_user_input(gql, alice, login, media):
    login(alice)
    response = gql.execute(UPLOAD, {"input": {"file": "not a file"}})
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert "multipart" in response.errors[0]["message"]
    literal = gql.execute('mutation { uploadPhoto(input: {file: "x"}) { __typename } }')
    assert literal.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "multipart" in literal.errors[0]["message"]
