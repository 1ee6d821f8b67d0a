"""graphql-sse, distinct connections mode: one POST with `Accept: text/event-stream` per
operation, answered `event: next` frames and a final `event: complete`.

What refuses the operation before it runs (a foreign Origin, a body that is not a
GraphQL request, a bad token, validation, limits, the resolver's own refusal) is a plain
JSON answer with the HTTP status that says it (403, 400, 401, 429), as the HTTP view
answers. Once streaming, a comment line every LIVE_PING_SECONDS keeps proxies from
timing the stream out and finds dead clients; the token is re-checked every
LIVE_RECHECK_SECONDS.
"""

import asyncio
import json

from django.conf import settings

from live.streams import SlowConsumer
from live.transports import checks
from live.transports.operation import LiveOperation
from project.codes import ErrorCode

STATUS_FOR = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.RATE_LIMITED: 429,
}


def wants_stream(scope: dict) -> bool:
    return scope["method"] == "POST" and "text/event-stream" in (
        checks.header(scope, b"accept") or ""
    )


def _cors(scope: dict) -> list[tuple[bytes, bytes]]:
    """What lets a browser app of an allowed origin read the answer (its preflight is
    Django's: django-cors-headers answers OPTIONS at this path)."""
    origin = checks.header(scope, b"origin")
    if not origin or not checks.origin_allowed(scope):
        return []
    return [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"origin")]


async def _answer(send, status: int, errors: list[dict], scope: dict) -> None:
    body = json.dumps({"errors": errors}).encode()
    headers = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
    retry_after = (errors[0].get("extensions") or {}).get("retryAfter") if errors else None
    if status == 429 and retry_after is not None:  # over budget: as the HTTP view says it
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers + _cors(scope)})
    await send({"type": "http.response.body", "body": body})


def _error(message: str, code: str) -> list[dict]:
    return [{"message": message, "extensions": {"code": code}}]


async def _body(receive) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return b""
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def serve(schema, scope, receive, send) -> None:
    if not checks.origin_allowed(scope):
        message = "This origin may not subscribe."
        await _answer(send, 403, _error(message, ErrorCode.FORBIDDEN), scope)
        return
    body = await _body(receive)
    if body is None:
        return
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        message = "The body must be a JSON GraphQL request."
        await _answer(send, 400, _error(message, ErrorCode.BAD_REQUEST), scope)
        return
    authorization = checks.header(scope, b"authorization")
    credential = await checks.credential_for(authorization)
    if credential.error:
        message = f"Not authenticated: {credential.error}."
        await _answer(send, 401, _error(message, ErrorCode.UNAUTHENTICATED), scope)
        return
    operation = LiveOperation(schema, payload, credential, scope)
    try:
        errors = await operation.start()
        if errors:
            code = (errors[0].get("extensions") or {}).get("code")
            await _answer(send, STATUS_FOR.get(code, 400), errors, scope)
            return
        await _stream(operation, authorization, credential, receive, send, _cors(scope))
    finally:
        await operation.close()


async def _stream(operation, authorization, credential, receive, send, cors) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-cache"),
                # nginx: pass each frame on at once, never buffer the stream.
                (b"x-accel-buffering", b"no"),
                *cors,
            ],
        }
    )
    lock = asyncio.Lock()

    async def frame(text: str) -> None:
        async with lock:
            await send({"type": "http.response.body", "body": text.encode(), "more_body": True})

    async def events() -> None:
        async for result in operation.results():
            await frame(f"event: next\ndata: {json.dumps(result)}\n\n")

    async def pings() -> None:
        while True:
            await asyncio.sleep(settings.LIVE_PING_SECONDS)
            await frame(": ping\n\n")

    async def disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    async def credential_watch() -> None:
        while True:
            await asyncio.sleep(settings.LIVE_RECHECK_SECONDS)
            if not await checks.still_valid(authorization, credential):
                error = _error("The token no longer authenticates.", ErrorCode.UNAUTHENTICATED)
                await frame(f"event: next\ndata: {json.dumps({'errors': error})}\n\n")
                return

    tasks = [asyncio.create_task(c()) for c in (events, pings, disconnect, credential_watch)]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if tasks[2] in done:
            return  # the client left: nothing more to send
        for task in done:
            error = task.exception()
            if isinstance(error, SlowConsumer):
                message = "Too slow: events were waiting; reconnect and replay."
                body = json.dumps({"errors": _error(message, ErrorCode.RATE_LIMITED)})
                await frame(f"event: next\ndata: {body}\n\n")
            elif error is not None:
                raise error
        await frame("event: complete\ndata:\n\n")
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
