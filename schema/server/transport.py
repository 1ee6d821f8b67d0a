"""GraphQL over HTTP: bodies checked before they are used, and every refusal in JSON.

Strawberry answers transport errors (bad JSON, an unsupported content type, a GET
mutation) as text/plain, which Apollo clients surface as opaque ServerErrors, and some
malformed bodies (a bare JSON scalar, invalid UTF-8, deep nesting, a malformed
multipart `map`) escaped as HTTP 500. Here each becomes a GraphQL-over-HTTP error
body, `{"errors": [{"message": ..., "extensions": {"code": ...}}]}`, with a 4xx status.

Media types: `application/json` unless the client prefers
`application/graphql-response+json`, which then also gets the spec's status codes (400
when the request never ran: a document that does not parse or validate, variables
that do not coerce).
"""

import json
from typing import Any

from cross_web import HTTPException
from django.http import HttpRequest, HttpResponse

from project.codes import ErrorCode

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
# Deeper than any request of this schema needs (body, variables, input objects, lists).
MAX_JSON_DEPTH = 32
# Anything else refused: BAD_REQUEST. 503: a service the server needs is down (the
# database), in the contract's vocabulary: the client did nothing wrong.
STATUS_CODES = {401: ErrorCode.UNAUTHENTICATED, 503: ErrorCode.INTERNAL_SERVER_ERROR}


def response_media_type(request: HttpRequest) -> str:
    """The media type to answer in: ties (`*/*`, no Accept header) go to application/json."""
    return request.get_preferred_type([JSON, GRAPHQL_RESPONSE]) or JSON


def error_response(
    request: HttpRequest, status: int, message: str, headers: dict[str, str] | None = None
) -> HttpResponse:
    body = {"errors": [{"message": message, "extensions": {"code": _code(status)}}]}
    return HttpResponse(
        json.dumps(body),
        status=status,
        content_type=response_media_type(request),
        headers=headers,
    )


def _code(status: int) -> str:
    return STATUS_CODES.get(status, ErrorCode.BAD_REQUEST)


def is_request_error(response_data: dict[str, Any]) -> bool:
    """Whether a result is a request error: it never executed (no data, no error has a path)."""
    errors = response_data.get("errors")
    return (
        response_data.get("data") is None
        and bool(errors)
        and all(not error.get("path") for error in errors)
    )


def rate_limited_for(response_data: dict[str, Any]) -> int | None:
    """The longest `retryAfter` of the answer's RATE_LIMITED errors (None: there are none).

    The contract: a top-level RATE_LIMITED error is, over HTTP, a 429 with Retry-After."""
    waits = [
        (error.get("extensions") or {}).get("retryAfter") or 1
        for error in response_data.get("errors") or ()
        if (error.get("extensions") or {}).get("code") == ErrorCode.RATE_LIMITED
    ]
    return max(waits) if waits else None


def load_json(raw: str | bytes) -> Any:
    """A JSON request body (or form field) as an object or list, else HTTP 400."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=_not_json)
    except UnicodeDecodeError:
        raise HTTPException(400, "The request body is not valid UTF-8.") from None
    except RecursionError:
        raise HTTPException(400, "The JSON is nested too deeply.") from None
    except ValueError:  # JSONDecodeError, NaN/Infinity, integers of thousands of digits
        raise HTTPException(400, "Unable to parse request body as JSON.") from None
    if not isinstance(data, dict | list):
        raise HTTPException(400, "The JSON must be an object.")
    if _depth(data) > MAX_JSON_DEPTH:
        raise HTTPException(400, f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.")
    return data


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


def check_file_map(operations: Any, file_map: Any, files: Any) -> None:
    """The multipart spec's `map`: each file part named, each path a null in the variables."""
    if not isinstance(operations, dict):
        raise HTTPException(400, "'operations' must be a JSON object (batching is not enabled).")
    if not isinstance(file_map, dict) or not all(
        isinstance(paths, list) and paths and all(isinstance(path, str) for path in paths)
        for paths in file_map.values()
    ):
        raise HTTPException(400, "'map' must be a JSON object of file parts to lists of paths.")
    for part, paths in file_map.items():
        if part not in files:
            raise HTTPException(400, f"'map' names a file part the request lacks: {part!r}.")
        for path in paths:
            if not _names_a_null(operations, path):
                raise HTTPException(400, f"'map' path {path!r} is not a null in the variables.")


def _names_a_null(operations: dict, path: str) -> bool:
    head, *steps = path.split(".")
    if head != "variables" or not steps:
        return False
    target: Any = operations.get("variables")
    for step in steps:
        if isinstance(target, dict) and step in target:
            target = target[step]
        elif isinstance(target, list) and step.isascii() and step.isdigit():
            if int(step) >= len(target):
                return False
            target = target[int(step)]
        else:
            return False
    return target is None
